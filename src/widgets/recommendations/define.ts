import { define } from '../../core/define.ts';
import { EncoreRecommendations } from './recommendations.ts';

define('encore-recommendations', EncoreRecommendations);

export { EncoreRecommendations };
