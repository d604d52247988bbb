/**
 * Every Japanese catalogue in one chunk, for a page with many kinds of widget (src/encore.ts decides):
 * one download compresses better than one per widget. The build inlines the JSON (vite.config.ts),
 * so these texts do not share chunks with the per-widget catalogues.
 */
import core from '../core/messages.ja.json';
import npsSurvey from '../widgets/nps-survey/messages.ja.json';
import pointsBalance from '../widgets/points-balance/messages.ja.json';
import ratingPrompt from '../widgets/rating-prompt/messages.ja.json';
import recommendations from '../widgets/recommendations/messages.ja.json';
import referralShare from '../widgets/referral-share/messages.ja.json';
import returnsEntry from '../widgets/returns-entry/messages.ja.json';

export default {
  core,
  'encore-nps-survey': npsSurvey,
  'encore-points-balance': pointsBalance,
  'encore-rating-prompt': ratingPrompt,
  'encore-recommendations': recommendations,
  'encore-referral-share': referralShare,
  'encore-returns-entry': returnsEntry,
};
