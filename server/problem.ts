/**
 * Errors as `application/problem+json` (RFC 9457) with a stable `code` from the contract.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, type ErrorCode } from '../contract/schemas.ts';
import type { Problem } from '../contract/types.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Titles that read better than the code itself; the rest are derived from the code. */
const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'Validation failed',
  token_missing: 'Customer token missing',
  token_invalid: 'Customer token invalid',
  token_expired: 'Customer token expired',
  store_not_found: 'Store not found',
  not_found: 'Not found',
  reward_not_found: 'Reward not found',
  insufficient_points: 'Insufficient points',
  idempotency_key_required: 'Idempotency-Key required',
  idempotency_key_reused: 'Idempotency-Key reused',
  idempotency_in_progress: 'Request in progress',
  origin_not_allowed: 'Origin not allowed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  internal: 'Internal server error',
};

/** `order_not_found` → "Order not found". */
export function titleOf(code: ErrorCode): string {
  const t = TITLES[code];
  if (t !== undefined) return t;
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface ProblemExtras {
  detail?: string;
  field?: string;
  retryAfter?: number;
}

/** An error that becomes a problem document. Throw it from any hook or handler. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly extras: ProblemExtras;
  constructor(statusCode: number, code: ErrorCode, extras: ProblemExtras = {}) {
    super(extras.detail ?? ErrorCodes[code]);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.extras = extras;
  }
}

export function problemBody(status: number, code: ErrorCode, extras: ProblemExtras = {}): Problem {
  const body: Problem = {
    type: `urn:encore:problem:${code}`,
    title: titleOf(code),
    status,
    code,
    detail: extras.detail ?? ErrorCodes[code],
  };
  if (extras.field !== undefined) body.field = extras.field;
  if (extras.retryAfter !== undefined) body.retryAfter = extras.retryAfter;
  return body;
}

export function sendProblem(reply: FastifyReply, status: number, code: ErrorCode, extras: ProblemExtras = {}): FastifyReply {
  if (extras.retryAfter !== undefined) reply.header('retry-after', String(extras.retryAfter));
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problemBody(status, code, extras));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** JSON pointer of the failing field of an Ajv error, including missing / extra properties. */
export function pointerOf(error: AjvLikeError): string {
  const base = error.instancePath ?? '';
  const p = error.params ?? {};
  if (error.keyword === 'required' && typeof p.missingProperty === 'string') return `${base}/${escapePointer(p.missingProperty)}`;
  if (error.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string')
    return `${base}/${escapePointer(p.additionalProperty)}`;
  return base;
}

function mapError(error: FastifyError & { validation?: AjvLikeError[]; validationContext?: string }): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const field = pointerOf(first);
    const ctx = error.validationContext ?? 'body';
    if (ctx === 'headers' && field === '/idempotency-key') return new ApiError(400, 'idempotency_key_required');
    const where = ctx === 'body' ? '' : `${ctx} `;
    const detail = `${where}${field || '(root)'} ${first.message ?? 'is invalid'}`.trim();
    return new ApiError(400, 'validation_failed', { field, detail });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.statusCode === 415 ? new ApiError(415, 'unsupported_media_type') : new ApiError(400, 'validation_failed', { field: '', detail: error.message });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'validation_failed', { field: '', detail: 'The body is not valid JSON.' });
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status === 415) return new ApiError(415, 'unsupported_media_type');
  if (status === 413) return new ApiError(413, 'payload_too_large');
  if (status === 429) return new ApiError(429, 'rate_limited');
  if (status === 404) return new ApiError(404, 'not_found');
  if (status >= 400 && status < 500) return new ApiError(400, 'validation_failed', { field: '', detail: error.message });
  return new ApiError(500, 'internal');
}

function isV1(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/');
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const api = mapError(error);
    if (api.statusCode >= 500) request.log.error({ err: error }, 'unexpected error');
    // Non-API routes (e.g. a demo storefront on the same instance) keep Fastify's plain shape for 4xx.
    if (!isV1(request.url) && !(error instanceof ApiError) && api.statusCode < 500) {
      return reply.code(api.statusCode).send({ statusCode: api.statusCode, error: api.code, message: error.message });
    }
    return sendProblem(reply, api.statusCode, api.code, api.extras);
  });

  app.setNotFoundHandler((request, reply) => {
    if (isV1(request.url)) return sendProblem(reply, 404, 'not_found', { detail: `No route ${request.method} ${request.url.split('?')[0]}.` });
    // Same body as Fastify's default 404.
    return reply.code(404).send({ message: `Route ${request.method}:${request.url} not found`, error: 'Not Found', statusCode: 404 });
  });
}
