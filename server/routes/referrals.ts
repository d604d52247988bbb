/**
 * The shopper-facing referral endpoints (SPEC §2 `<encore-referral-share>`): the signed-in shopper's
 * code, link, rewards and stats, and the visit a friend makes with `?ref=CODE`. Rewards are settled
 * later, when the friend's order is ingested (server/orders.ts → server/referrals.ts).
 */
import type { FastifyInstance } from 'fastify';
import { IdempotencyHeaders, ReferralVisitRequest as ReferralVisitRequestSchema, StoreParams } from '../../contract/schemas.ts';
import type { ReferralInfo, ReferralVisit, ReferralVisitRequest } from '../../contract/types.ts';
import { customerOf, storeOf, type RouteDeps } from './common.ts';
import { ensureCustomer } from '../loyalty.ts';
import { recordVisit, referralInfo } from '../referrals.ts';
import { problems, refTo } from '../openapi.ts';

export async function referralsRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  app.get<{ Params: { store: string } }>(
    '/v1/stores/:store/referrals/me',
    {
      config: { customer: 'required' },
      schema: {
        tags: ['referrals'],
        summary: "The shopper's referral code, link, rewards and stats",
        description:
          'The code is created on the first call (one per customer, e.g. `HANA-7K2Q`). The link is the store landing page with ' +
          '`?ref=CODE`. Stats count distinct visitors, rewarded friends, visitors still inside the window, and points earned.',
        security: [{ customerToken: [] }],
        params: StoreParams,
        response: { 200: { description: 'The referral account.', ...refTo('ReferralInfo') }, ...problems(400, 401, 404, 429) },
      },
    },
    async (request, reply): Promise<ReferralInfo> => {
      const store = storeOf(request);
      const at = now();
      const customer = await ensureCustomer(db, store.id, customerOf(request), at);
      reply.header('cache-control', 'private, no-store');
      return referralInfo(db, store, customer, at);
    },
  );

  app.post<{ Params: { store: string }; Body: ReferralVisitRequest }>(
    '/v1/stores/:store/referrals/visits',
    {
      config: { customer: 'optional', idempotent: true },
      schema: {
        tags: ['referrals'],
        summary: 'Record a visit through a referral link',
        description:
          "Attributes the visitor to the code's owner for the store's window and returns the friend's offer with a one-time " +
          'discount code. The same visitor and code inside the window get the same visit back (200). A signed-in shopper using ' +
          'their own code gets 409 `self_referral`. Requires an Idempotency-Key.',
        security: [{}, { customerToken: [] }],
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: ReferralVisitRequestSchema,
        response: {
          201: { description: 'The visit was recorded.', ...refTo('ReferralVisit') },
          200: { description: 'This visitor already has a visit for this code inside the window.', ...refTo('ReferralVisit') },
          ...problems(400, 401, 403, [404, 'referral_code_not_found'], [409, 'self_referral'], 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<ReferralVisit> => {
      const { visit, created } = await recordVisit(db, storeOf(request), request.body, request.encore.customerId, request.ip, now());
      reply.code(created ? 201 : 200).header('cache-control', 'no-store');
      return visit;
    },
  );
}
