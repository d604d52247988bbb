/** Session, ledger and redemptions. */
import type { FastifyInstance } from 'fastify';
import { IdempotencyHeaders, NpsStatusQuery, RedeemRequest as RedeemRequestSchema, StoreParams } from '../../contract/schemas.ts';
import type { Ledger, RedeemRequest, Redemption, Session } from '../../contract/types.ts';
import { ApiError } from '../problem.ts';
import { storeInfo } from '../stores.ts';
import { customerOf, storeOf, type RouteDeps } from './common.ts';
import { ensureCustomer, lockCustomer, memberOf, settleInTransaction, settledState } from '../loyalty.ts';
import { newDiscountCode, newId } from '../ids.ts';
import { problems, ref } from '../openapi.ts';
import { npsStatus, shopperOf } from '../nps.ts';
import { referralInfo } from '../referrals.ts';
import { returnPolicy } from '../returns.ts';
import { newestOrder, pendingForOrder } from '../reviews.ts';

const LEDGER_PAGE = 50;

export async function loyaltyRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  app.get<{ Params: { store: string }; Querystring: { visitorId?: string } }>(
    '/v1/stores/:store/session',
    {
      config: { customer: 'optional' },
      schema: {
        tags: ['session'],
        summary: 'Store settings, loyalty program, the signed-in shopper and what each widget shows first',
        description:
          'Everything a page of widgets needs in one read. Without a customer token `customer` is null (guest); ' +
          'a token that is present but invalid or expired is rejected with 401. Expired points are settled before the balance is computed. ' +
          'The other sections are what their own endpoints answer, computed by the same code: `referral` (GET /referrals/me; null for a guest), ' +
          '`nps` (GET /nps/status for the customer and `visitorId`; null for a guest without `visitorId`), `pendingReviews` ' +
          "(GET /reviews/pending?order= for the customer's newest order; null for a guest) and `returnPolicy` (GET /returns/policy).",
        security: [{}, { customerToken: [] }],
        params: StoreParams,
        querystring: NpsStatusQuery,
        response: { 200: { description: 'The session.', ...ref.Session }, ...problems(400, 401, 404, 429) },
      },
    },
    async (request, reply): Promise<Session> => {
      const store = storeOf(request);
      const customerId = request.encore.customerId;
      const { visitorId } = request.query;
      const at = now();
      const common = { store: storeInfo(store), program: store.program, returnPolicy: returnPolicy(store) };
      if (customerId === undefined) {
        // A guest costs no query at all, or the two of the NPS status for a visitor.
        const nps = visitorId === undefined ? null : await npsStatus(db, store, shopperOf(undefined, visitorId), at);
        reply.header('cache-control', nps ? 'private, no-store' : 'no-cache').header('vary', 'Origin, Authorization');
        return { ...common, customer: null, referral: null, nps, pendingReviews: null };
      }
      const customer = await ensureCustomer(db, store.id, customerId, at);
      const [state, referral, nps, order] = await Promise.all([
        settledState(db, store.id, customerId, at),
        referralInfo(db, store, customer, at),
        npsStatus(db, store, shopperOf(customerId, visitorId), at),
        newestOrder(db, store.id, customerId),
      ]);
      const pendingReviews = order ? await pendingForOrder(db, store, order) : { orderId: null, items: [], pointsPerReview: 0 };
      reply.header('cache-control', 'private, no-store');
      return { ...common, customer: memberOf(store.program, customer, state), referral, nps, pendingReviews };
    },
  );

  app.get<{ Params: { store: string } }>(
    '/v1/stores/:store/loyalty/ledger',
    {
      config: { customer: 'required' },
      schema: {
        tags: ['loyalty'],
        summary: "The shopper's points history",
        description: `The balance and the newest ${LEDGER_PAGE} ledger entries (newest first). Points are signed: positive for earned, negative for spent or expired.`,
        security: [{ customerToken: [] }],
        params: StoreParams,
        response: { 200: { description: 'The ledger.', ...ref.Ledger }, ...problems(400, 401, 404, 429) },
      },
    },
    async (request, reply): Promise<Ledger> => {
      const store = storeOf(request);
      const customerId = customerOf(request);
      const at = now();
      await ensureCustomer(db, store.id, customerId, at);
      const state = await settledState(db, store.id, customerId, at);
      const rows = await db
        .selectFrom('points_ledger')
        .select(['id', 'kind', 'points', 'created_at', 'note'])
        .where('store_id', '=', store.id)
        .where('customer_id', '=', customerId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(LEDGER_PAGE)
        .execute();
      reply.header('cache-control', 'private, no-store');
      return {
        balance: Math.max(0, state.balance),
        entries: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          points: r.points,
          createdAt: r.created_at,
          ...(r.note !== null ? { note: r.note } : {}),
        })),
      };
    },
  );

  app.post<{ Params: { store: string }; Body: RedeemRequest }>(
    '/v1/stores/:store/loyalty/redemptions',
    {
      config: { customer: 'required', idempotent: true },
      schema: {
        tags: ['loyalty'],
        summary: 'Redeem points for a reward',
        description:
          'Spends the reward cost from the balance (oldest points first) and returns a one-time discount code. ' +
          'Never overspends, also under concurrent requests. Requires an Idempotency-Key.',
        security: [{ customerToken: [] }],
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: RedeemRequestSchema,
        response: {
          201: { description: 'The redemption, with its discount code.', ...ref.Redemption },
          ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<Redemption> => {
      const store = storeOf(request);
      const customerId = customerOf(request);
      const reward = store.program.rewards.find((r) => r.id === request.body.rewardId);
      if (!reward) throw new ApiError(404, 'reward_not_found', { field: '/rewardId' });
      const at = now();
      await ensureCustomer(db, store.id, customerId, at);
      const result = await db.transaction().execute(async (trx) => {
        await lockCustomer(trx, store.id, customerId);
        const state = await settleInTransaction(trx, store.id, customerId, at);
        if (state.balance < reward.cost) {
          throw new ApiError(409, 'insufficient_points', {
            detail: `The reward costs ${reward.cost} points; the balance is ${Math.max(0, state.balance)}.`,
          });
        }
        const id = newId('red');
        const createdAt = at.toISOString();
        const code = newDiscountCode();
        await trx
          .insertInto('points_ledger')
          .values({
            id: newId('led'),
            store_id: store.id,
            customer_id: customerId,
            kind: 'redeem',
            points: -reward.cost,
            created_at: createdAt,
            expires_at: null,
            ref: id,
            note: reward.name,
          })
          .execute();
        await trx
          .insertInto('redemptions')
          .values({ id, store_id: store.id, customer_id: customerId, reward_id: reward.id, points: reward.cost, code, created_at: createdAt })
          .execute();
        return { id, rewardId: reward.id, pointsSpent: reward.cost, code, balance: state.balance - reward.cost, createdAt };
      });
      reply.code(201).header('cache-control', 'no-store');
      return result;
    },
  );
}
