/** Merchant metrics: the retention figures for a period (admin key). */
import type { FastifyInstance } from 'fastify';
import { StoreParams } from '../../contract/schemas.ts';
import { MAX_METRICS_PERIOD_DAYS, MetricBasis, MetricDefinitions, type MerchantMetrics } from '../../contract/metrics.ts';
import { computeMetrics } from '../metrics.ts';
import { DAY_MS } from '../loyalty.ts';
import { problems, refTo } from '../openapi.ts';
import { ApiError } from '../problem.ts';
import { storeOf, type RouteDeps } from './common.ts';

const DEFAULT_PERIOD_DAYS = 365;

/** A UTC date (midnight) or an RFC 3339 date-time with a zone; the calendar is checked in `parseInstant`. */
const INSTANT = '^(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])(T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d))?$';
const INSTANT_RE = new RegExp(INSTANT);

const MetricsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: {
      type: 'string',
      maxLength: 40,
      pattern: INSTANT,
      description: 'Start of the period (inclusive): an RFC 3339 date-time with a zone, or a date (midnight UTC). Default: `to` − 365 days.',
    },
    to: {
      type: 'string',
      maxLength: 40,
      pattern: INSTANT,
      description: 'End of the period (exclusive), same forms. Default: now.',
    },
  },
} as const;

/** The instant a query value names, or undefined when its date does not exist (2026-02-30). */
function parseInstant(value: string): Date | undefined {
  const m = INSTANT_RE.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return new Date(m[4] === undefined ? `${value}T00:00:00Z` : value);
}

const DESCRIPTION = [
  'Repeat-customer rate, purchase frequency, average order value, customer lifetime value, churn rate, NPS, repurchase ratio and upsell rate ' +
    `for the period [from, to) (default: the ${DEFAULT_PERIOD_DAYS} days before now; at most ${MAX_METRICS_PERIOD_DAYS} days), ` +
    'with the counts they are computed from. Merchant call: `Authorization: Bearer <store admin key>`.',
  '',
  MetricBasis,
  '',
  ...Object.entries(MetricDefinitions).map(([name, formula]) => `- \`${name}\` = ${formula}`),
].join('\n');

export async function metricsRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  app.get<{ Params: { store: string }; Querystring: { from?: string; to?: string } }>(
    '/v1/stores/:store/admin/metrics',
    {
      config: { admin: true },
      schema: {
        tags: ['metrics'],
        summary: 'Retention metrics for a period',
        description: DESCRIPTION,
        params: StoreParams,
        querystring: MetricsQuery,
        response: {
          200: { description: 'The metrics and their counts.', ...refTo('MerchantMetrics') },
          ...problems([400, 'validation_failed'], [401, 'admin_key_invalid'], 404, 429),
        },
      },
    },
    async (request, reply): Promise<MerchantMetrics> => {
      const store = storeOf(request);
      const { from: fromText, to: toText } = request.query;
      const to = toText === undefined ? now() : parseInstant(toText);
      if (to === undefined) throw new ApiError(400, 'validation_failed', { field: '/to', detail: 'to is not a calendar date.' });
      const from = fromText === undefined ? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS) : parseInstant(fromText);
      if (from === undefined) throw new ApiError(400, 'validation_failed', { field: '/from', detail: 'from is not a calendar date.' });
      if (from.getTime() >= to.getTime()) {
        throw new ApiError(400, 'validation_failed', { field: toText === undefined ? '/from' : '/to', detail: 'The period must end after it starts (from < to).' });
      }
      if (to.getTime() - from.getTime() > MAX_METRICS_PERIOD_DAYS * DAY_MS) {
        throw new ApiError(400, 'validation_failed', {
          field: fromText === undefined ? '/to' : '/from',
          detail: `The period is longer than ${MAX_METRICS_PERIOD_DAYS} days.`,
        });
      }
      const { counts, metrics } = await computeMetrics(db, store.id, { from, to });
      reply.header('cache-control', 'private, no-store');
      return { from: from.toISOString(), to: to.toISOString(), currency: store.currency, counts, metrics };
    },
  );
}
