/**
 * The metrics part of the contract (JSON Schema, `as const`): the retention figures a merchant
 * reads for a period. Self-contained: it must not import ./schemas.ts (which re-exports it). Types
 * are derived next to each schema with FromSchema.
 *
 * The formulas are written once, in `MetricDefinitions`; the route description and the schema's
 * field descriptions both quote them, so the OpenAPI document carries them.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** The rules every metric shares. */
export const MetricBasis =
  'P is the period [from, to) and d its length; the previous period is [from − d, from). ' +
  "A customer is the order's customer id, or for a guest order its lower-cased e-mail. " +
  'Orders with status `cancelled` are ignored everywhere; revenue is the sum of total − refunded total (minor units). ' +
  'A metric whose denominator is zero is null.';

/** Each metric's formula (quoted in the route description and in the field descriptions). */
export const MetricDefinitions = {
  repeatCustomerRate: 'customers with ≥ 2 orders in P / customers with ≥ 1 order in P (0..1, 4 decimals).',
  purchaseFrequency: 'orders in P / customers in P (4 decimals).',
  averageOrderValue: 'revenue in P / orders in P (minor units, 2 decimals).',
  churnRate:
    'customers who ordered in the previous period but not in P / customers who ordered in the previous period (0..1, 4 decimals).',
  averageCustomerLifespan: '1 / churnRate, in periods (null when churnRate is 0 or null; 4 decimals).',
  customerLifetimeValue: 'averageOrderValue × purchaseFrequency × averageCustomerLifespan (minor units, 2 decimals; from the unrounded factors).',
  nps: '% promoters (9–10) − % detractors (0–6) of the NPS responses created in P (−100..100, 1 decimal).',
  repurchaseRatio: 'customers with ≥ 2 orders in P / customers with exactly 1 order in P (4 decimals).',
  upsellRate:
    "among the orders in P that are not the customer's first order ever, the share whose total exceeds the total of that customer's previous order (0..1, 4 decimals).",
} as const;

export type MetricName = keyof typeof MetricDefinitions;

/** The longest period a metrics call may ask for (3 years, one of them a leap year). */
export const MAX_METRICS_PERIOD_DAYS = 1096;

const metric = <const D extends string>(description: D) => ({ anyOf: [{ type: 'number' }, { type: 'null' }], description }) as const;
const count = <const D extends string>(description: D) => ({ type: 'integer', minimum: 0, description }) as const;

/** GET /v1/stores/{store}/admin/metrics */
export const MerchantMetrics = {
  $id: 'MerchantMetrics',
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'currency', 'counts', 'metrics'],
  properties: {
    from: { type: 'string', format: 'date-time', description: 'Start of the period (inclusive), UTC.' },
    to: { type: 'string', format: 'date-time', description: 'End of the period (exclusive), UTC.' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'The store currency (ISO 4217) of revenue and the money metrics.' },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: [
        'orders',
        'customers',
        'revenue',
        'repeatCustomers',
        'oneTimeCustomers',
        'previousCustomers',
        'churnedCustomers',
        'repeatOrders',
        'upsellOrders',
        'npsResponses',
        'promoters',
        'passives',
        'detractors',
      ],
      description: 'The figures the metrics are computed from.',
      properties: {
        orders: count('Orders in P (not cancelled).'),
        customers: count('Customers with at least one order in P.'),
        revenue: count('Revenue in P: total − refunded total, minor units.'),
        repeatCustomers: count('Customers with at least 2 orders in P.'),
        oneTimeCustomers: count('Customers with exactly 1 order in P.'),
        previousCustomers: count('Customers with at least one order in the previous period.'),
        churnedCustomers: count('Customers of the previous period without an order in P.'),
        repeatOrders: count("Orders in P that are not the customer's first order ever."),
        upsellOrders: count("Repeat orders in P whose total exceeds the customer's previous order's total."),
        npsResponses: count('NPS responses created in P.'),
        promoters: count('Responses scoring 9–10.'),
        passives: count('Responses scoring 7–8.'),
        detractors: count('Responses scoring 0–6.'),
      },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      required: [
        'repeatCustomerRate',
        'purchaseFrequency',
        'averageOrderValue',
        'averageCustomerLifespan',
        'customerLifetimeValue',
        'churnRate',
        'nps',
        'repurchaseRatio',
        'upsellRate',
      ],
      description: 'Each metric, or null when its denominator is zero.',
      properties: {
        repeatCustomerRate: metric(MetricDefinitions.repeatCustomerRate),
        purchaseFrequency: metric(MetricDefinitions.purchaseFrequency),
        averageOrderValue: metric(MetricDefinitions.averageOrderValue),
        averageCustomerLifespan: metric(MetricDefinitions.averageCustomerLifespan),
        customerLifetimeValue: metric(MetricDefinitions.customerLifetimeValue),
        churnRate: metric(MetricDefinitions.churnRate),
        nps: metric(MetricDefinitions.nps),
        repurchaseRatio: metric(MetricDefinitions.repurchaseRatio),
        upsellRate: metric(MetricDefinitions.upsellRate),
      },
    },
  },
} as const;
export type MerchantMetrics = FromSchema<typeof MerchantMetrics>;

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts): none; a bad period is `validation_failed`. */
export const MetricsErrorCodes = {} as const;
