/**
 * The NPS part of the contract (JSON Schema, `as const`): 0–10 answers with a follow-up comment,
 * dismissals, and the per-shopper quiet periods the server enforces (answered: 90 days, dismissed:
 * 30 days by default, per store). A shopper is the signed-in customer (customer token) or an
 * anonymous visitor (`visitorId`, kept by the widget in the browser).
 * Self-contained: it must not import ./schemas.ts (which re-exports it). Types are derived next to
 * each schema with FromSchema.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const NpsErrorCodes = {
  nps_quiet_period: 'The shopper answered or dismissed the survey recently; `detail` says when they may be asked again.',
} as const;

const VisitorIdField = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{8,64}$',
  description: 'The anonymous visitor id the widget keeps in the browser; required without a customer token.',
} as const;

const NextAskAtField = {
  anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
  description: 'When the shopper may be asked again; null when they may be asked now.',
} as const;

/** GET /v1/stores/{store}/nps/status querystring. */
export const NpsStatusQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { visitorId: VisitorIdField },
} as const;

/** GET /v1/stores/{store}/nps/status. */
export const NpsStatus = {
  $id: 'NpsStatus',
  type: 'object',
  additionalProperties: false,
  required: ['ask', 'reason', 'nextAskAt'],
  properties: {
    ask: { type: 'boolean', description: 'Whether the survey may be shown now.' },
    reason: {
      anyOf: [{ type: 'string', enum: ['answered', 'dismissed'] }, { type: 'null' }],
      description: 'Why not: the quiet period that ends last; null when `ask` is true.',
    },
    nextAskAt: NextAskAtField,
  },
} as const;
export type NpsStatus = FromSchema<typeof NpsStatus>;

/** POST /v1/stores/{store}/nps/responses. */
export const NpsResponseRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['score'],
  properties: {
    score: { type: 'integer', minimum: 0, maximum: 10, description: 'How likely the shopper is to recommend the store, 0 to 10.' },
    comment: { type: 'string', maxLength: 2000, pattern: '^[^\\u0000]*$', description: 'The answer to the follow-up question (trimmed; empty means none). Plain text.' },
    visitorId: VisitorIdField,
    locale: { type: 'string', enum: ['en', 'ja'], description: 'The language the survey was shown in.' },
  },
} as const;
export type NpsResponseRequest = FromSchema<typeof NpsResponseRequest>;

/** The answer to POST /v1/stores/{store}/nps/responses. */
export const NpsResponse = {
  $id: 'NpsResponse',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'score', 'category', 'createdAt', 'nextAskAt'],
  properties: {
    id: { type: 'string' },
    score: { type: 'integer', minimum: 0, maximum: 10 },
    category: { type: 'string', enum: ['detractor', 'passive', 'promoter'], description: 'detractor 0–6, passive 7–8, promoter 9–10.' },
    createdAt: { type: 'string', format: 'date-time' },
    nextAskAt: { type: 'string', format: 'date-time', description: 'The end of the quiet period this answer starts.' },
  },
} as const;
export type NpsResponse = FromSchema<typeof NpsResponse>;

/** POST /v1/stores/{store}/nps/dismissals. */
export const NpsDismissalRequest = {
  type: 'object',
  additionalProperties: false,
  properties: { visitorId: VisitorIdField },
} as const;
export type NpsDismissalRequest = FromSchema<typeof NpsDismissalRequest>;

/** The answer to POST /v1/stores/{store}/nps/dismissals. */
export const NpsDismissal = {
  $id: 'NpsDismissal',
  type: 'object',
  additionalProperties: false,
  required: ['nextAskAt'],
  properties: {
    nextAskAt: { type: 'string', format: 'date-time', description: 'When the shopper may be asked again (the later of all their quiet periods).' },
  },
} as const;
export type NpsDismissal = FromSchema<typeof NpsDismissal>;
