/** OpenAPI 3.1 generation (@fastify/swagger) from the contract's schemas. */
import type { FastifyInstance } from 'fastify';
import type { SwaggerOptions } from '@fastify/swagger';
import { ErrorCodes, Ledger, Problem, Redemption, Session } from '../contract/schemas.ts';

/** The contract schemas that carry an `$id`: shared via `$ref`, emitted under components/schemas. */
export function registerSchemas(app: FastifyInstance): void {
  for (const schema of [Problem, Session, Redemption, Ledger]) app.addSchema(schema);
}

export const ref = {
  Problem: { $ref: 'Problem#' },
  Session: { $ref: 'Session#' },
  Redemption: { $ref: 'Redemption#' },
  Ledger: { $ref: 'Ledger#' },
} as const;

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: `validation_failed` (with `field`), `idempotency_key_required`.',
  401: 'Customer token: `token_missing`, `token_invalid` or `token_expired`.',
  403: '`origin_not_allowed`: the Origin is not one of the store origins.',
  404: '`store_not_found`, `reward_not_found` or `not_found`.',
  409: '`insufficient_points` or `idempotency_in_progress`.',
  413: '`payload_too_large` (the limit is 16 KiB).',
  415: '`unsupported_media_type`: send application/json.',
  422: '`idempotency_key_reused`: the key was used with another request.',
  429: '`rate_limited`: wait `retryAfter` seconds (also in Retry-After).',
};

/** Problem responses for the given statuses, for a route's `response` schema. */
type ProblemResponse = { description: string; content: { 'application/problem+json': { schema: typeof ref.Problem } } };
export function problems(...statuses: number[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {};
  for (const s of statuses) {
    out[s] = { description: PROBLEM_DESCRIPTIONS[s] ?? 'Problem', content: { 'application/problem+json': { schema: ref.Problem } } };
  }
  return out;
}

function errorCodeTable(): string {
  const rows = Object.entries(ErrorCodes).map(([code, text]) => `| \`${code}\` | ${text} |`);
  return ['| code | meaning |', '| --- | --- |', ...rows].join('\n');
}

export const API_DESCRIPTION = `The Encore HTTP contract (v1): loyalty points, tiers and rewards for retention widgets.

**Shopper identity.** Customer-scoped calls take \`Authorization: Bearer <JWT>\`: HS256, \`sub\` = the customer id,
\`aud\` = the store id, \`iat\` and \`exp\`, signed by the merchant's server with the store secret.

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
      ],
      components: {
        securitySchemes: {
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
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? route.method : [route.method];
      const hidden = !url.startsWith('/v1/') || method.includes('HEAD');
      return { schema: hidden ? { ...(schema ?? {}), hide: true } : schema, url };
    },
  } as SwaggerOptions;
}
