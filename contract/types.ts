/** TypeScript types derived from the contract's schemas (type-only: no runtime cost). */
import type { FromSchema } from 'json-schema-to-ts';
import type * as S from './schemas.ts';

export type Problem = FromSchema<typeof S.Problem>;
export type Tier = FromSchema<typeof S.Tier>;
export type Reward = FromSchema<typeof S.Reward>;
export type EarnRule = FromSchema<typeof S.EarnRule>;
export type Program = FromSchema<typeof S.Program>;
export type StoreInfo = FromSchema<typeof S.StoreInfo>;
export type Member = FromSchema<typeof S.Member>;
export type Session = FromSchema<typeof S.Session>;
export type RedeemRequest = FromSchema<typeof S.RedeemRequest>;
export type Redemption = FromSchema<typeof S.Redemption>;
export type LedgerEntry = FromSchema<typeof S.LedgerEntry>;
export type Ledger = FromSchema<typeof S.Ledger>;

export type * from './orders.ts';
export type * from './referrals.ts';
export type * from './reviews.ts';
export type * from './nps.ts';
export type * from './returns.ts';
export type * from './recommendations.ts';
export type * from './metrics.ts';
