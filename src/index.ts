/**
 * The npm entry: `import 'encore-widgets'` defines every widget. Configure with
 * `window.Encore.configure({ api, store, customerToken, locale })`.
 */
import './widgets/points-balance/define.ts';
import './widgets/referral-share/define.ts';
import './widgets/rating-prompt/define.ts';
import './widgets/nps-survey/define.ts';
import './widgets/recommendations/define.ts';
import './widgets/returns-entry/define.ts';

export * from './core/index.ts';
export { EncorePointsBalance, type RedeemDetail } from './widgets/points-balance/points-balance.ts';
export { EncoreReferralShare, type ReferralChannel, type ReferralCopyDetail, type ReferralShareDetail } from './widgets/referral-share/referral-share.ts';
export { EncoreRatingPrompt, type RatingSubmitDetail } from './widgets/rating-prompt/rating-prompt.ts';
export { EncoreNpsSurvey, type NpsCategory, type NpsDismissDetail, type NpsSubmitDetail } from './widgets/nps-survey/nps-survey.ts';
export { EncoreRecommendations, type AddToCartDetail, type RecommendationClickDetail } from './widgets/recommendations/recommendations.ts';
export { EncoreReturnsEntry, type ReturnLookupDetail, type ReturnSubmitDetail } from './widgets/returns-entry/returns-entry.ts';
export type { ReferralVisitDetail } from './core/referral-offer.ts';

import { encoreGlobal } from './core/global.ts';
encoreGlobal(); // `window.Encore.configure()` exists as soon as the package is imported
