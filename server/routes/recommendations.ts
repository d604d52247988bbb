/**
 * The recommendations endpoints: the list a product page (or any page) shows, and the ingestion of
 * impression and click events. The ranking lives in ../recommendations.ts.
 */
import type { FastifyInstance } from 'fastify';
import {
  IdempotencyHeaders,
  RECOMMENDATIONS_DEFAULT,
  RECOMMENDATIONS_MAX,
  RECOMMENDATIONS_MAX_EXCLUDE,
  RecommendationEventsRequest as EventsSchema,
  RecommendationsQuery as QuerySchema,
  StoreParams,
} from '../../contract/schemas.ts';
import type { RecommendationEventsAccepted, RecommendationEventsRequest, Recommendations, RecommendationsQuery } from '../../contract/types.ts';
import { newId } from '../ids.ts';
import { problems, refTo } from '../openapi.ts';
import { ApiError } from '../problem.ts';
import { BEST_SELLER_DAYS, createRecommender, RANKING_TTL_MS } from '../recommendations.ts';
import { storeOf, type RouteDeps } from './common.ts';

export async function recommendationsRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  const recommender = createRecommender(db, now);

  app.get<{ Params: { store: string }; Querystring: RecommendationsQuery }>(
    '/v1/stores/:store/recommendations',
    {
      config: { customer: 'optional' },
      schema: {
        tags: ['recommendations'],
        summary: 'Products to recommend',
        description:
          'Products bought in the same orders as `product` (by the number of such orders, ties by id); then, for a signed-in shopper, products bought together with ' +
          `what they bought before (not those themselves); then the best sellers of the last ${BEST_SELLER_DAYS} days by units, up to \`limit\`. ` +
          'Never the product itself, `exclude`, the store\'s excluded products, products out of stock, or the same product twice. ' +
          'An unknown or missing `product` still answers (from the other sources), so any page can show the widget. ' +
          `Rankings are recomputed at most every ${RANKING_TTL_MS / 1000} seconds; stock and exclusions are applied on every read.`,
        security: [{}, { customerToken: [] }],
        params: StoreParams,
        querystring: QuerySchema,
        response: { 200: { description: 'The recommendations.', ...refTo('Recommendations') }, ...problems(400, 401, 404, 429) },
      },
    },
    async (request, reply): Promise<Recommendations> => {
      const store = storeOf(request);
      const q = request.query;
      const limit = q.limit === undefined ? RECOMMENDATIONS_DEFAULT : Number(q.limit);
      if (limit < 1 || limit > RECOMMENDATIONS_MAX) {
        throw new ApiError(400, 'validation_failed', { field: '/limit', detail: `limit must be an integer from 1 to ${RECOMMENDATIONS_MAX}.` });
      }
      const exclude = q.exclude === undefined ? [] : q.exclude.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (exclude.length > RECOMMENDATIONS_MAX_EXCLUDE || exclude.some((id) => id.length > 128)) {
        throw new ApiError(400, 'validation_failed', {
          field: '/exclude',
          detail: `exclude lists at most ${RECOMMENDATIONS_MAX_EXCLUDE} product ids of at most 128 characters.`,
        });
      }
      const customerId = request.encore.customerId;
      const result = await recommender.recommend({ store, productId: q.product, customerId, limit, exclude });
      reply
        .header('cache-control', customerId === undefined ? 'public, max-age=300' : 'private, max-age=300')
        .header('vary', 'Origin, Authorization');
      return result;
    },
  );

  app.post<{ Params: { store: string }; Body: RecommendationEventsRequest }>(
    '/v1/stores/:store/recommendations/events',
    {
      config: { idempotent: true },
      schema: {
        tags: ['recommendations'],
        summary: 'Record impressions and clicks',
        description:
          'A batch of up to 100 impression or click events of recommended products. Events for product ids the store does not know are dropped ' +
          '(not an error): `accepted` counts the stored ones. Requires an Idempotency-Key (a retried batch is stored once).',
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: EventsSchema,
        response: {
          202: { description: 'The batch was recorded.', ...refTo('RecommendationEventsAccepted') },
          ...problems(400, 403, 404, 409, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<RecommendationEventsAccepted> => {
      const store = storeOf(request);
      const events = request.body.events;
      const known = await db
        .selectFrom('products')
        .select('id')
        .where('store_id', '=', store.id)
        .where('id', 'in', [...new Set(events.map((e) => e.productId))])
        .execute();
      const knownIds = new Set(known.map((r) => r.id));
      const createdAt = now().toISOString();
      const rows = events
        .filter((e) => knownIds.has(e.productId))
        .map((e) => ({
          id: newId('rev'),
          store_id: store.id,
          kind: e.kind,
          product_id: e.productId,
          source_product_id: e.sourceProductId ?? null,
          visitor_id: e.visitorId ?? null,
          position: e.position ?? null,
          created_at: createdAt,
        }));
      if (rows.length > 0) await db.insertInto('rec_events').values(rows).execute();
      reply.code(202).header('cache-control', 'no-store');
      return { accepted: rows.length, dropped: events.length - rows.length };
    },
  );
}
