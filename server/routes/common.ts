/** What every route module receives and the small helpers they share. */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db.ts';
import { ApiError } from '../problem.ts';
import type { Store } from '../stores.ts';

export interface RouteDeps {
  db: Database;
  now: () => Date;
}

/** The store resolved by the store hook (every /v1/stores/:store/... route). */
export function storeOf(request: FastifyRequest): Store {
  const store = request.encore.store;
  if (!store) throw new ApiError(404, 'store_not_found');
  return store;
}

/** The verified token subject; 401 token_missing when the request carried no token. */
export function customerOf(request: FastifyRequest): string {
  const id = request.encore.customerId;
  if (id === undefined) throw new ApiError(401, 'token_missing');
  return id;
}
