import { define } from '../../core/define.ts';
import { EncoreReferralShare } from './referral-share.ts';

define('encore-referral-share', EncoreReferralShare);

export { EncoreReferralShare };
