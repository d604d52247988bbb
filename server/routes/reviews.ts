/** The reviews endpoints (to be filled in). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './common.ts';

export async function reviewsRoutes(_app: FastifyInstance, _deps: RouteDeps): Promise<void> {}
