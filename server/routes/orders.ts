/**
 * The merchant API for orders (SPEC §3): catalogue upsert, order ingestion (the order webhook),
 * order lookup and refunds. Every call is authenticated with the store admin key or an
 * `Encore-Signature` HMAC of the body (`config: { admin: true }`, see server/admin.ts). These calls
 * are idempotent by the merchant's own order and refund ids, so they take no Idempotency-Key.
 */
import type { FastifyInstance } from 'fastify';
import {
  OrderInput as OrderInputSchema,
  ProductUpsertRequest as ProductUpsertRequestSchema,
  RefundInput as RefundInputSchema,
  StoreParams,
} from '../../contract/schemas.ts';
import type { Order, OrderIngestResult, OrderInput, ProductUpsertRequest, ProductUpsertResult, RefundInput, RefundResult } from '../../contract/types.ts';
import { storeOf, type RouteDeps } from './common.ts';
import { getOrder, ingestOrder, refundOrder, upsertProducts } from '../orders.ts';
import { problems, refTo } from '../openapi.ts';

const MerchantHeaders = {
  type: 'object',
  properties: {
    'encore-signature': {
      type: 'string',
      maxLength: 512,
      description:
        'Instead of `Authorization: Bearer <admin key>`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by a store secret>`, within 5 minutes.',
    },
  },
} as const;

const OrderParams = {
  type: 'object',
  required: ['store', 'order'],
  properties: {
    ...StoreParams.properties,
    order: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E]+$', description: "The merchant's order id." },
  },
} as const;

const AUTH = 'Merchant call: `Authorization: Bearer <store admin key>` or an `Encore-Signature` header.';

export async function ordersRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  app.put<{ Params: { store: string }; Body: ProductUpsertRequest }>(
    '/v1/stores/:store/admin/products',
    {
      config: { admin: true },
      // 500 products with long links do not fit the default 16 KiB.
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['orders'],
        summary: 'Insert or update catalogue products',
        description: `Upserts up to 500 products by id (the body may be up to 1 MiB). ${AUTH}`,
        params: StoreParams,
        headers: MerchantHeaders,
        body: ProductUpsertRequestSchema,
        response: { 200: { description: 'How many products were new or overwritten.', ...refTo('ProductUpsertResult') }, ...problems(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply): Promise<ProductUpsertResult> => {
      reply.header('cache-control', 'no-store');
      return upsertProducts(db, storeOf(request), request.body.products);
    },
  );

  app.post<{ Params: { store: string }; Body: OrderInput }>(
    '/v1/stores/:store/admin/orders',
    {
      config: { admin: true },
      bodyLimit: 128 * 1024,
      schema: {
        tags: ['orders'],
        summary: 'Ingest an order (the order webhook)',
        description:
          'Stores the order and its items, credits purchase points to the customer under the program\'s purchase rule and settles ' +
          'the referral it carries, all at once. Idempotent by the order id: the same id with the same payload answers 200 with ' +
          `\`replayed: true\` and changes nothing; with another payload it answers 409 \`order_conflict\`. ${AUTH}`,
        params: StoreParams,
        headers: MerchantHeaders,
        body: OrderInputSchema,
        response: {
          201: { description: 'The order was ingested.', ...refTo('OrderIngestResult') },
          200: { description: 'The order had already been ingested with this payload (a replay).', ...refTo('OrderIngestResult') },
          ...problems(400, 401, 403, 404, [409, 'order_conflict', 'order_number_taken'], 413, 415, 429),
        },
      },
    },
    async (request, reply): Promise<OrderIngestResult> => {
      const { result, created } = await ingestOrder(db, storeOf(request), request.body, now());
      reply.code(created ? 201 : 200).header('cache-control', 'no-store');
      return result;
    },
  );

  app.get<{ Params: { store: string; order: string } }>(
    '/v1/stores/:store/admin/orders/:order',
    {
      config: { admin: true },
      schema: {
        tags: ['orders'],
        summary: 'An order with its items, refunds and points',
        description: AUTH,
        params: OrderParams,
        headers: MerchantHeaders,
        response: { 200: { description: 'The order.', ...refTo('Order') }, ...problems(400, 401, [404, 'order_not_found'], 429) },
      },
    },
    async (request, reply): Promise<Order> => {
      reply.header('cache-control', 'no-store');
      return getOrder(db, storeOf(request).id, request.params.order);
    },
  );

  app.post<{ Params: { store: string; order: string }; Body: RefundInput }>(
    '/v1/stores/:store/admin/orders/:order/refunds',
    {
      config: { admin: true },
      schema: {
        tags: ['orders'],
        summary: 'Refund (part of) an order',
        description:
          'Records a refund and takes back purchase points in proportion (rounded down, so a full refund reverses exactly the points ' +
          'earned). Idempotent by the refund id: the same id, amount and reason answers 200 with `replayed: true`. ' +
          AUTH,
        params: OrderParams,
        headers: MerchantHeaders,
        body: RefundInputSchema,
        response: {
          201: { description: 'The refund was recorded.', ...refTo('RefundResult') },
          200: { description: 'The refund had already been recorded (a replay).', ...refTo('RefundResult') },
          ...problems(400, 401, 403, [404, 'order_not_found'], [409, 'refund_exceeds_total', 'refund_conflict'], 413, 415, 429),
        },
      },
    },
    async (request, reply): Promise<RefundResult> => {
      const { result, created } = await refundOrder(db, storeOf(request), request.params.order, request.body, now());
      reply.code(created ? 201 : 200).header('cache-control', 'no-store');
      return result;
    },
  );
}
