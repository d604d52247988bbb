import { define } from '../../core/define.ts';
import { EncorePointsBalance } from './points-balance.ts';

define('encore-points-balance', EncorePointsBalance);

export { EncorePointsBalance };
