/**
 * The npm entry: `import 'encore-widgets'` defines every widget. Configure with
 * `window.Encore.configure({ api, store, customerToken, locale })`.
 */
import './widgets/points-balance/define.ts';

export * from './core/index.ts';
export { EncorePointsBalance, type RedeemDetail } from './widgets/points-balance/points-balance.ts';

import { encoreGlobal } from './core/global.ts';
encoreGlobal(); // `window.Encore.configure()` exists as soon as the package is imported
