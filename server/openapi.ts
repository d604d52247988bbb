/** OpenAPI 3.1 generation (@fastify/swagger) from the contract's schemas. */
import type { FastifyInstance } from 'fastify';
import type { SwaggerOptions } from '@fastify/swagger';
import * as contract from '../contract/schemas.ts';
import { ErrorCodes } from '../contract/schemas.ts';

/**
 * Every contract schema that carries an `$id` is registered once, shared via `$ref` ("Name#"),
 * and emitted under components/schemas. A route refers to one with `refTo('Name')`.
 */
export function registerSchemas(app: FastifyInstance): void {
  for (const value of Object.values(contract)) {
    if (value && typeof value === 'object' && typeof (value as { $id?: unknown }).$id === 'string') app.addSchema(value);
  }
}

export function refTo<const Id extends string>(id: Id): { $ref: `${Id}#` } {
  return { $ref: `${id}#` };
}

export const ref = {
  Problem: { $ref: 'Problem#' },
  Session: { $ref: 'Session#' },
  Redemption: { $ref: 'Redemption#' },
  Ledger: { $ref: 'Ledger#' },
} as const;

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: `validation_failed` (with `field`), `idempotency_key_required`.',
  401: 'Identity: `token_missing`, `token_invalid`, `token_expired` (customer or order token), or `admin_key_invalid` (merchant calls).',
  403: '`origin_not_allowed` (the Origin is not one of the store origins), or the token does not grant this resource.',
  404: '`store_not_found`, `not_found` or a more specific `*_not_found` code.',
  409: 'A conflict with the current state (see `code`), or `idempotency_in_progress`.',
  413: '`payload_too_large` (the limit is 16 KiB).',
  415: '`unsupported_media_type`: send application/json.',
  422: '`idempotency_key_reused`: the key was used with another request.',
  429: '`rate_limited`: wait `retryAfter` seconds (also in Retry-After).',
};

/**
 * Problem responses for a route's `response` schema. Each entry is a status, or
 * `[status, 'code_a', 'code_b']` to list the codes this route can answer with that status.
 */
type ProblemResponse = { description: string; content: { 'application/problem+json': { schema: typeof ref.Problem } } };
export function problems(...statuses: (number | [number, ...string[]])[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {};
  for (const entry of statuses) {
    const [s, ...codes] = Array.isArray(entry) ? entry : [entry];
    const base = PROBLEM_DESCRIPTIONS[s] ?? 'Problem';
    const description = codes.length > 0 ? `${base} This call: ${codes.map((c) => `\`${c}\``).join(', ')}.` : base;
    out[s] = { description, content: { 'application/problem+json': { schema: ref.Problem } } };
  }
  return out;
}

function errorCodeTable(): string {
  const rows = Object.entries(ErrorCodes).map(([code, text]) => `| \`${code}\` | ${text} |`);
  return ['| code | meaning |', '| --- | --- |', ...rows].join('\n');
}

export const API_DESCRIPTION = `The Encore HTTP contract (v1) for retention widgets: loyalty points, tiers and rewards; referrals; reviews;
NPS; returns; recommendations; and the merchant's orders and metrics.

**Shopper identity.** Customer-scoped calls take \`Authorization: Bearer <JWT>\`: HS256, \`sub\` = the customer id,
\`aud\` = the store id, \`iat\` and \`exp\`, signed by the merchant's server with the store secret. A guest order is
rated with an order token of the same form whose \`sub\` is the order id.

**Merchant calls** (\`/admin/...\`) take \`Authorization: Bearer <admin key>\`, or, for webhooks, an \`Encore-Signature\`
header (HMAC-SHA256 of \`<t>.<raw body>\` with a store secret). Orders are idempotent by the merchant's order id,
refunds by the merchant's refund id.

**Limits.** Bodies up to 16 KiB (merchant calls: more, per route) or 413; 300 requests a minute per client IP and 120 per
signed-in shopper, answered with 429 and \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and \`Retry-After\`.

**Idempotency.** Every state-changing call needs an \`Idempotency-Key\` header (1-255 visible ASCII characters).
The same key with the same body replays the stored answer (header \`Idempotent-Replayed: true\`); the same key with
another body answers 422; a retry while the first request still runs answers 409. Keys are kept 48 hours.

**Errors** are \`application/problem+json\` (RFC 9457) with a stable \`code\`:

${errorCodeTable()}
`;

export function openapiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Encore API',
        version: '1.0.0',
        description: API_DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: 'http://localhost:8080', description: 'The reference server (npm start)' }],
      tags: [
        { name: 'session', description: 'Everything a page needs in one read.' },
        { name: 'loyalty', description: 'Points ledger and reward redemptions.' },
        { name: 'referrals', description: "A shopper's referral link and stats; a friend's attributed visit and offer." },
        { name: 'reviews', description: 'Verified-purchase ratings and reviews, and rating aggregates per product.' },
        { name: 'nps', description: 'Net Promoter Score answers and dismissals, with per-shopper quiet periods.' },
        { name: 'returns', description: 'Return policy, order lookup with per-item eligibility, and return requests.' },
        { name: 'recommendations', description: 'Customers who bought this also bought; impression and click batches.' },
        { name: 'orders', description: 'Merchant API and webhooks: catalogue, orders (which earn points and settle referrals) and refunds.' },
        { name: 'metrics', description: 'Retention metrics for the merchant over a period, with their formulas.' },
      ],
      components: {
        securitySchemes: {
          adminKey: {
            type: 'http',
            scheme: 'bearer',
            description: "Merchant calls: `Authorization: Bearer <the store's admin key>` (compared in constant time).",
          },
          webhookSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'Encore-Signature',
            description:
              'Merchant webhooks may instead sign the body: `Encore-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with a store secret>`; the timestamp must be within 5 minutes.',
          },
          customerToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'HS256 JWT minted by the merchant server: sub = customer id, aud = store id, iat, exp.',
          },
        },
      },
    },
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
    // Only the API is documented: routes a storefront adds to the same instance stay out.
    // Problems every API route can answer whatever its handler does (rate limit; body limit and
    // media type for calls with a body) are added here, so no route can forget them.
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? route.method : [route.method];
      const hidden = !url.startsWith('/v1/') || method.includes('HEAD');
      if (hidden) return { schema: { ...(schema ?? {}), hide: true }, url };
      const response = { ...((schema?.response as Record<string, unknown> | undefined) ?? {}) };
      const config = (route as { config?: { admin?: boolean } }).config;
      const security = config?.admin ? { security: [{ adminKey: [] }, { webhookSignature: [] }] } : {};
      const common = schema?.body ? problems(400, 413, 415, 429) : problems(400, 429);
      for (const [status, value] of Object.entries(common)) response[status] ??= value;
      if (config?.admin) response['401'] ??= problems([401, 'admin_key_invalid'])[401];
      return { schema: { ...schema, ...security, response }, url };
    },
  } as SwaggerOptions;
}
