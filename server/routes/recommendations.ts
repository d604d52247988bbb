/** The recommendations endpoints (to be filled in). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './common.ts';

export async function recommendationsRoutes(_app: FastifyInstance, _deps: RouteDeps): Promise<void> {}
