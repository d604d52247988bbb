/** Per-request state and per-route options shared by the hooks and the routes. */
import type { Store } from './stores.ts';
import type { IdempotencyContext } from './idempotency.ts';

export interface EncoreRequestState {
  /** Memoised store lookup for /v1/stores/:store/... (shared by the CORS delegator and the hooks). */
  storeLookup?: Promise<Store | undefined>;
  store?: Store;
  /** Verified customer id (token `sub`), when the request carried a valid customer token. */
  customerId?: string;
  idem?: IdempotencyContext | undefined;
  /** The request body as received (JSON requests), for webhook signatures. */
  rawBody?: string;
  /** True when a merchant call was authenticated (admin key or webhook signature). */
  admin?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    encore: EncoreRequestState;
  }
  interface FastifyContextConfig {
    /** Require an Idempotency-Key and store/replay the reply. */
    idempotent?: boolean;
    /** 'required': 401 token_missing without a token; 'optional': guest allowed, bad token still 401. */
    customer?: 'required' | 'optional';
    /** Merchant call: the store admin key (Bearer) or an `Encore-Signature` HMAC of the body. */
    admin?: boolean;
  }
}
