/**
 * The NPS endpoints: whether to ask the shopper now, their answer, and a dismissal. The shopper is
 * the customer of the token, else the anonymous `visitorId`; the quiet periods live in ../nps.ts.
 */
import type { FastifyInstance } from 'fastify';
import {
  IdempotencyHeaders,
  NpsDismissalRequest as NpsDismissalRequestSchema,
  NpsResponseRequest as NpsResponseRequestSchema,
  NpsStatusQuery,
  StoreParams,
} from '../../contract/schemas.ts';
import type { NpsDismissal, NpsDismissalRequest, NpsResponse, NpsResponseRequest, NpsStatus } from '../../contract/types.ts';
import { problems, refTo } from '../openapi.ts';
import { npsStatus, recordDismissal, recordResponse, shopperOf } from '../nps.ts';
import { storeOf, type RouteDeps } from './common.ts';

const SHOPPER =
  'The shopper is the customer of the token when one is sent, else the anonymous `visitorId` (then required: 400 with field `/visitorId`). ' +
  'With both, the quiet periods of both apply.';

export async function npsRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  app.get<{ Params: { store: string }; Querystring: { visitorId?: string } }>(
    '/v1/stores/:store/nps/status',
    {
      config: { customer: 'optional' },
      schema: {
        tags: ['nps'],
        summary: 'Whether to show the NPS survey now',
        description:
          "False while the shopper is in a quiet period: after an answer (the store's `answeredQuietDays`, default 90) or a dismissal " +
          `(\`dismissedQuietDays\`, default 30). ${SHOPPER}`,
        security: [{}, { customerToken: [] }],
        params: StoreParams,
        querystring: NpsStatusQuery,
        response: { 200: { description: 'Whether to ask, and if not why and until when.', ...refTo('NpsStatus') }, ...problems(400, 401, 404, 429) },
      },
    },
    async (request, reply): Promise<NpsStatus> => {
      const store = storeOf(request);
      const shopper = shopperOf(request.encore.customerId, request.query.visitorId);
      const status = await npsStatus(db, store, shopper, now());
      reply.header('cache-control', 'private, no-store');
      return status;
    },
  );

  app.post<{ Params: { store: string }; Body: NpsResponseRequest }>(
    '/v1/stores/:store/nps/responses',
    {
      config: { customer: 'optional', idempotent: true },
      schema: {
        tags: ['nps'],
        summary: 'Answer the NPS survey',
        description:
          'Stores the score (0–10) and the follow-up comment; the category is detractor (0–6), passive (7–8) or promoter (9–10). ' +
          'Within a quiet period the answer is refused (409 `nps_quiet_period`) and nothing is stored; concurrent answers of one shopper ' +
          `store one. Requires an Idempotency-Key. ${SHOPPER}`,
        security: [{}, { customerToken: [] }],
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: NpsResponseRequestSchema,
        response: {
          201: { description: 'The stored answer.', ...refTo('NpsResponse') },
          ...problems(400, 401, 403, 404, [409, 'nps_quiet_period'], 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<NpsResponse> => {
      const store = storeOf(request);
      const shopper = shopperOf(request.encore.customerId, request.body.visitorId);
      const result = await recordResponse(db, store, shopper, request.body, now());
      reply.code(201).header('cache-control', 'no-store');
      return result;
    },
  );

  app.post<{ Params: { store: string }; Body: NpsDismissalRequest }>(
    '/v1/stores/:store/nps/dismissals',
    {
      config: { customer: 'optional', idempotent: true },
      schema: {
        tags: ['nps'],
        summary: 'Dismiss the NPS survey',
        description: `Starts the dismissal quiet period. Send \`{}\` when signed in. Requires an Idempotency-Key. ${SHOPPER}`,
        security: [{}, { customerToken: [] }],
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: NpsDismissalRequestSchema,
        response: {
          201: { description: 'When the shopper may be asked again.', ...refTo('NpsDismissal') },
          ...problems(400, 401, 403, 404, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<NpsDismissal> => {
      const store = storeOf(request);
      const shopper = shopperOf(request.encore.customerId, request.body.visitorId);
      const result = await recordDismissal(db, store, shopper, now());
      reply.code(201).header('cache-control', 'no-store');
      return result;
    },
  );
}
