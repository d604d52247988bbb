/**
 * The returns endpoints: the store's policy, the order lookup (rate-limited, one answer for every
 * mismatch) and creating a return with the lookup token. The domain rules live in ../returns.ts.
 */
import type { FastifyInstance } from 'fastify';
import { IdempotencyHeaders, ReturnLookupRequest as LookupSchema, ReturnRequest as ReturnRequestSchema, StoreParams } from '../../contract/schemas.ts';
import type { Return, ReturnLookup, ReturnLookupRequest, ReturnPolicy, ReturnRequest } from '../../contract/types.ts';
import { isSqlite } from '../db.ts';
import { newId } from '../ids.ts';
import { problems, refTo } from '../openapi.ts';
import { ApiError } from '../problem.ts';
import {
  checkLookupLimits,
  createLookupLimiters,
  eligibility,
  findOrderForReturn,
  LOOKUP_IP_LIMIT,
  LOOKUP_ORDER_LIMIT,
  mintLookupToken,
  newReturnNumber,
  orderLines,
  returnPolicy,
  verifyLookupToken,
  type ContactKind,
} from '../returns.ts';
import { storeOf, type RouteDeps } from './common.ts';

const CONTACT_KINDS: readonly ContactKind[] = ['email', 'postalCode', 'phone'];
/** Attempts at a fresh return number when one is taken (30 bits each: a retry is already rare). */
const NUMBER_ATTEMPTS = 5;

export async function returnsRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  // One set of counters per app instance (per process).
  const limiters = createLookupLimiters();

  app.get<{ Params: { store: string } }>(
    '/v1/stores/:store/returns/policy',
    {
      schema: {
        tags: ['returns'],
        summary: "The store's return policy",
        description: 'Refund, exchange and store-credit windows (days after the order), the reasons a shopper may give, and the currency. Public and cacheable.',
        params: StoreParams,
        response: { 200: { description: 'The policy.', ...refTo('ReturnPolicy') }, ...problems(400, 404, 429) },
      },
    },
    async (request, reply): Promise<ReturnPolicy> => {
      reply.header('cache-control', 'public, max-age=300');
      return returnPolicy(storeOf(request));
    },
  );

  app.post<{ Params: { store: string }; Body: ReturnLookupRequest }>(
    '/v1/stores/:store/returns/lookup',
    {
      schema: {
        tags: ['returns'],
        summary: 'Find an order to return',
        description:
          'The order number plus exactly one of `email`, `postalCode` or `phone` (normalised: case, spaces and hyphens are ignored; phones compare digits, ' +
          'and "+81 90…" matches "090…"). Answers the items with what can still be returned and a lookup token (30 minutes) that authorises creating a return. ' +
          'Every mismatch (unknown number, wrong or missing contact) gets the same 404 `order_lookup_failed`. ' +
          `Rate-limited per client IP (${LOOKUP_IP_LIMIT.max} per ${LOOKUP_IP_LIMIT.windowMs / 60_000} minutes) and per order number ` +
          `(${LOOKUP_ORDER_LIMIT.max} per ${LOOKUP_ORDER_LIMIT.windowMs / 60_000} minutes), also when the global limiter is off. Changes nothing, so no Idempotency-Key.`,
        params: StoreParams,
        body: LookupSchema,
        response: {
          200: { description: 'The order, its returnable items and the lookup token.', ...refTo('ReturnLookup') },
          ...problems(400, 403, [404, 'order_lookup_failed'], 413, 415, 429),
        },
      },
    },
    async (request, reply): Promise<ReturnLookup> => {
      const store = storeOf(request);
      const body = request.body;
      const given = CONTACT_KINDS.filter((k) => body[k] !== undefined);
      if (given.length !== 1) {
        throw new ApiError(400, 'validation_failed', {
          field: `/${given[1] ?? 'email'}`,
          detail: 'Give exactly one of email, postalCode or phone.',
        });
      }
      const kind = given[0]!;
      const at = now();
      checkLookupLimits(limiters, store.id, request.ip, body.orderNumber, at);
      const order = await findOrderForReturn(db, store.id, body.orderNumber, kind, body[kind]!);
      const items = eligibility(store, order, await orderLines(db, store.id, order.id), at);
      const { token, expiresAt } = await mintLookupToken(store, order.id, at);
      reply.header('cache-control', 'no-store');
      return {
        lookupToken: token,
        expiresAt,
        order: { number: order.number, createdAt: order.created_at, currency: order.currency, items },
        policy: returnPolicy(store),
      };
    },
  );

  app.post<{ Params: { store: string }; Body: ReturnRequest }>(
    '/v1/stores/:store/returns',
    {
      config: { idempotent: true },
      schema: {
        tags: ['returns'],
        summary: 'Create a return',
        description:
          'Returns the given quantities of items of the looked-up order with one reason and resolution. Each item must offer that resolution and ' +
          'have enough returnable units (else 409 `item_not_returnable`, `field` naming the item); concurrent requests never return the same unit twice. ' +
          'Answers the return number, the prepaid label link and the status. Requires an Idempotency-Key.',
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: ReturnRequestSchema,
        response: {
          201: { description: 'The return.', ...refTo('Return') },
          ...problems(400, [401, 'lookup_expired'], 403, [409, 'item_not_returnable'], 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<Return> => {
      const store = storeOf(request);
      const body = request.body;
      if (!store.settings.returns.reasons.includes(body.reason)) {
        throw new ApiError(400, 'validation_failed', { field: '/reason', detail: `The reason must be one of: ${store.settings.returns.reasons.join(', ')}.` });
      }
      const seen = new Set<string>();
      body.items.forEach((item, i) => {
        if (seen.has(item.productId)) throw new ApiError(400, 'validation_failed', { field: `/items/${i}/productId`, detail: 'Each product may be listed once.' });
        seen.add(item.productId);
      });
      const at = now();
      const orderId = await verifyLookupToken(store, body.lookupToken, at);

      const result = await db.transaction().execute(async (trx) => {
        // Serialise returns of one order (SQLite serialises transactions already).
        if (!isSqlite(trx)) await trx.selectFrom('orders').select('id').where('store_id', '=', store.id).where('id', '=', orderId).forUpdate().execute();
        const order = await trx
          .selectFrom('orders')
          .select(['number', 'created_at', 'status'])
          .where('store_id', '=', store.id)
          .where('id', '=', orderId)
          .executeTakeFirst();
        if (!order) throw new ApiError(401, 'lookup_expired');
        const items = eligibility(store, order, await orderLines(trx, store.id, orderId), at);
        body.items.forEach((wanted, i) => {
          const item = items.find((it) => it.productId === wanted.productId);
          const field = `/items/${i}`;
          if (!item) throw new ApiError(409, 'item_not_returnable', { field, detail: `${wanted.productId} is not part of order ${order.number}.` });
          if (item.reason !== null) throw new ApiError(409, 'item_not_returnable', { field, detail: `${wanted.productId} cannot be returned: ${item.reason}.` });
          if (!item.options.includes(body.resolution)) {
            throw new ApiError(409, 'item_not_returnable', {
              field,
              detail: `${wanted.productId} cannot be returned for ${body.resolution}: window_passed (still open: ${item.options.join(', ')}).`,
            });
          }
          if (wanted.quantity > item.returnableQuantity) {
            throw new ApiError(409, 'item_not_returnable', {
              field,
              detail: `Only ${item.returnableQuantity} of ${wanted.productId} can be returned: already_returned.`,
            });
          }
        });

        const id = newId('ret');
        const createdAt = at.toISOString();
        let number: string | undefined;
        for (let attempt = 0; attempt < NUMBER_ATTEMPTS && number === undefined; attempt++) {
          const candidate = newReturnNumber();
          const inserted = await trx
            .insertInto('returns')
            .values({
              id,
              store_id: store.id,
              number: candidate,
              order_id: orderId,
              status: 'requested',
              resolution: body.resolution,
              reason: body.reason,
              comment: body.comment ?? null,
              label_url: store.settings.returns.labelBaseUrl + candidate,
              created_at: createdAt,
            })
            .onConflict((oc) => oc.columns(['store_id', 'number']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) number = candidate;
        }
        if (number === undefined) throw new Error('no free return number after several attempts');
        await trx
          .insertInto('return_items')
          .values(body.items.map((it) => ({ return_id: id, product_id: it.productId, quantity: it.quantity })))
          .execute();
        return {
          number,
          orderNumber: order.number,
          status: 'requested' as const,
          labelUrl: store.settings.returns.labelBaseUrl + number,
          resolution: body.resolution,
          reason: body.reason,
          items: body.items.map((it) => ({ productId: it.productId, quantity: it.quantity })),
          createdAt,
        };
      });
      reply.code(201).header('cache-control', 'no-store');
      return result;
    },
  );
}
