/**
 * The Encore reference server as a Fastify instance (not listening: callers `listen`).
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import './context.ts';
import type { Database } from './db.ts';
import { ApiError, registerProblemHandlers, sendProblem } from './problem.ts';
import { findStore, type Store } from './stores.ts';
import { bearerToken, verifyCustomerToken } from './auth.ts';
import { createIdempotency } from './idempotency.ts';
import { openapiOptions, registerSchemas } from './openapi.ts';
import { loyaltyRoutes } from './routes/loyalty.ts';
import { ordersRoutes } from './routes/orders.ts';
import { referralsRoutes } from './routes/referrals.ts';
import { reviewsRoutes } from './routes/reviews.ts';
import { npsRoutes } from './routes/nps.ts';
import { returnsRoutes } from './routes/returns.ts';
import { recommendationsRoutes } from './routes/recommendations.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { verifyAdmin } from './admin.ts';

export interface BuildAppOptions {
  db: Database;
  now?: () => Date;
  /** Per client IP, on every /v1 call (default 300 per minute); `false` turns both limits off. */
  rateLimit?: false | { max: number; timeWindow: number };
  /** Per signed-in shopper (store + token subject), whatever their IP (default 120 per minute). */
  shopperRateLimit?: false | { max: number; timeWindow: number };
  /** Trust X-Forwarded-For from a proxy in front (ENCORE_TRUST_PROXY=1), so limits see real client IPs. */
  trustProxy?: boolean;
  logger?: boolean;
}

export const BODY_LIMIT = 16 * 1024;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const STORE_PATH = /^\/v1\/stores\/([^/?#]+)/;

const CORS_ALLOWED = {
  methods: ['GET', 'POST', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  exposedHeaders: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'Idempotent-Replayed'],
  maxAge: 600,
  credentials: false,
} satisfies FastifyCorsOptions;

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { db } = opts;
  const now = opts.now ?? (() => new Date());

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    // Router-level refusals (a path segment over 100 characters, a malformed URL) are problems too.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      return sendProblem(reply, status, 'validation_failed', { field: '', detail: 'The URL is malformed or a path segment is too long.' });
    },
    ajv: {
      // Extra properties must fail (additionalProperties: false), and types are never coerced.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
    },
  });

  app.decorateRequest('encore', null as never);
  app.addHook('onRequest', async (request) => {
    request.encore = {};
  });

  registerProblemHandlers(app);

  // JSON bodies are parsed by Fastify's own (prototype-poisoning safe) parser; the raw text is
  // kept so merchant webhooks can be checked against their HMAC signature.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.encore.rawBody = body as string;
    parseJson(request, body as string, done);
  });
  registerSchemas(app);
  await app.register(swagger, openapiOptions());

  function lookupStore(request: FastifyRequest): Promise<Store | undefined> | undefined {
    const m = STORE_PATH.exec(request.url);
    if (!m) return undefined;
    request.encore ??= {};
    let id: string;
    try {
      id = decodeURIComponent(m[1]!);
    } catch {
      return Promise.resolve(undefined);
    }
    if (request.encore.storeLookup === undefined) {
      request.encore.storeLookup = findStore(db, id);
      // A request answered early (429, CORS preflight) may never await it: never leave it unhandled.
      request.encore.storeLookup.catch(() => undefined);
    }
    return request.encore.storeLookup;
  }

  // Rate limits (SPEC §3): per client IP on every /v1 call (the plugin's global hook, before any
  // work), and per signed-in shopper once the token is verified (below, in the preHandler), so
  // one shopper cannot spread requests over many addresses. Both answer 429 rate_limited with
  // RateLimit-* (IETF draft) and Retry-After headers. The counters live in this process's memory.
  const ipLimit = opts.rateLimit === false ? false : (opts.rateLimit ?? { max: 300, timeWindow: 60_000 });
  const shopperLimit = opts.shopperRateLimit ?? (opts.rateLimit === false ? false : { max: 120, timeWindow: 60_000 });
  const tooMany = (ttlMs: number) => new ApiError(429, 'rate_limited', { retryAfter: Math.max(1, Math.ceil(ttlMs / 1000)) });
  await app.register(rateLimit, {
    global: ipLimit !== false,
    max: ipLimit === false ? 0 : ipLimit.max,
    timeWindow: ipLimit === false ? 60_000 : ipLimit.timeWindow,
    enableDraftSpec: true,
    // Only the API is limited; a storefront sharing the instance handles its own assets.
    allowList: (request) => !request.url.startsWith('/v1/'),
    errorResponseBuilder: (_request, context) => tooMany(context.ttl),
  });
  const checkShopper =
    shopperLimit === false
      ? undefined
      : app.createRateLimit({
          max: shopperLimit.max,
          timeWindow: shopperLimit.timeWindow,
          keyGenerator: (request) => `shopper:${request.encore.store?.id ?? ''}:${request.encore.customerId ?? ''}`,
        });

  // CORS per store: only the store's configured origins get CORS headers.
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      if (request.url === '/openapi.json') return callback(null, { origin: '*', methods: ['GET'] });
      const lookup = lookupStore(request);
      if (!origin || !lookup) return callback(null, { origin: false });
      lookup.then(
        (store) => callback(null, store && store.origins.includes(origin) ? { ...CORS_ALLOWED, origin } : { origin: false }),
        (err: Error) => callback(err, { origin: false }),
      );
    },
  });

  // Store resolution, the Origin check and the media type check for state-changing calls. Added as
  // a route-level hook (after the rate limiter's) so that even unknown stores are rate limited.
  const storeHook = async (request: FastifyRequest): Promise<void> => {
    if (request.method === 'OPTIONS') return;
    const lookup = lookupStore(request);
    if (!lookup) return;
    const store = await lookup;
    if (!store) throw new ApiError(404, 'store_not_found');
    request.encore.store = store;
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && !store.origins.includes(origin)) {
      const own = `${request.protocol}://${request.host}`;
      if (origin !== own) throw new ApiError(403, 'origin_not_allowed');
    }
    // The API speaks JSON only (Fastify would otherwise also parse text/plain).
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (hasBody && !/^application\/([a-z0-9.+-]+\+)?json$/.test(type)) throw new ApiError(415, 'unsupported_media_type');
  };
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/stores/')) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...existing, storeHook] as typeof route.onRequest;
  });

  // Customer identity, then idempotency (its scope is the customer).
  const idempotency = createIdempotency({ db, now });
  // Identity before the body is validated (a caller without credentials learns nothing about
  // the body's rules): merchant key or signature (the raw body is parsed by now), customer token,
  // then the per-shopper limit.
  app.addHook('preValidation', async (request, reply) => {
    const config = request.routeOptions.config;
    const store = request.encore.store;
    if (store && config.admin) verifyAdmin(store, request, now());
    if (store && config.customer) {
      const token = bearerToken(request.headers.authorization);
      if (token === undefined) {
        if (config.customer === 'required') throw new ApiError(401, 'token_missing');
      } else {
        request.encore.customerId = await verifyCustomerToken(store, token, now());
      }
    }
    if (checkShopper && request.encore.customerId !== undefined) {
      const limit = await checkShopper(request);
      if (!limit.isAllowed) {
        // Report whichever limit is closer to running out (the IP limiter set its headers already).
        const ipRemaining = Number(reply.getHeader('ratelimit-remaining') ?? Infinity);
        if (limit.remaining <= ipRemaining) {
          reply.header('ratelimit-limit', limit.max).header('ratelimit-remaining', limit.remaining).header('ratelimit-reset', limit.ttlInSeconds);
        }
        if (limit.isExceeded) {
          reply.header('retry-after', limit.ttlInSeconds);
          throw tooMany(limit.ttl);
        }
      }
    }
  });
  // Idempotency after validation: an invalid body never claims a key.
  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config;
    const store = request.encore.store;
    if (config.idempotent) {
      if (!store) throw new Error('idempotent routes must be store routes');
      const answered = await idempotency.begin(request, reply, store.id, request.encore.customerId ?? '');
      if (answered) return reply;
    }
    return undefined;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    await idempotency.finish(request, reply, payload);
    return payload;
  });
  app.addHook('onResponse', async (request) => {
    await idempotency.abandon(request);
  });

  for (const routes of [loyaltyRoutes, ordersRoutes, referralsRoutes, reviewsRoutes, npsRoutes, returnsRoutes, recommendationsRoutes, metricsRoutes]) {
    await app.register(routes, { db, now });
  }

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}
