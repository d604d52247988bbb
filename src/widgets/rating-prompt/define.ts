import { define } from '../../core/define.ts';
import { EncoreRatingPrompt } from './rating-prompt.ts';

define('encore-rating-prompt', EncoreRatingPrompt);

export { EncoreRatingPrompt };
