/**
 * Every English catalogue in one chunk, for a page with many kinds of widget (src/encore.ts decides):
 * one download compresses better than one per widget. The build inlines the JSON (vite.config.ts),
 * so these texts do not share chunks with the per-widget catalogues.
 */
import core from '../core/messages.en.json';
import npsSurvey from '../widgets/nps-survey/messages.en.json';
import pointsBalance from '../widgets/points-balance/messages.en.json';
import ratingPrompt from '../widgets/rating-prompt/messages.en.json';
import recommendations from '../widgets/recommendations/messages.en.json';
import referralShare from '../widgets/referral-share/messages.en.json';
import returnsEntry from '../widgets/returns-entry/messages.en.json';

export default {
  core,
  'encore-nps-survey': npsSurvey,
  'encore-points-balance': pointsBalance,
  'encore-rating-prompt': ratingPrompt,
  'encore-recommendations': recommendations,
  'encore-referral-share': referralShare,
  'encore-returns-entry': returnsEntry,
};
