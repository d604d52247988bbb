/**
 * Retention metrics for a period (the formulas are in contract/metrics.ts, `MetricDefinitions`).
 * Totals and NPS counts are aggregated in SQL; the per-customer figures (repeat customers, churn,
 * upsell) are computed here over the order history of the customers who ordered in the period,
 * which is also what "the customer's previous order" needs. Portable Kysely only.
 */
import type { Database } from './db.ts';
import type { MerchantMetrics } from '../contract/metrics.ts';

export interface Period {
  from: Date;
  to: Date;
}

type Counts = MerchantMetrics['counts'];
type Metrics = MerchantMetrics['metrics'];

/** x / y, or null when y is 0 (or either side is null). */
function ratio(x: number | null, y: number | null): number | null {
  return x === null || y === null || y === 0 ? null : x / y;
}

function round(x: number | null, decimals: number): number | null {
  if (x === null) return null;
  const f = 10 ** decimals;
  // `+ 0` turns a rounded -0 into 0.
  return Math.round(x * f) / f + 0;
}

/** The key that identifies a customer: the customer id, or a guest order's lower-cased e-mail. */
function customerKey(customerId: string | null, emailLower: string): string {
  return customerId !== null ? `c:${customerId}` : `e:${emailLower}`;
}

export async function computeMetrics(db: Database, storeId: string, { from, to }: Period): Promise<{ counts: Counts; metrics: Metrics }> {
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const previousIso = new Date(from.getTime() - (to.getTime() - from.getTime())).toISOString();

  const orders = db.selectFrom('orders').where('store_id', '=', storeId).where('status', '!=', 'cancelled');
  const inPeriod = orders.where('created_at', '>=', fromIso).where('created_at', '<', toIso);

  const totals = await inPeriod
    .select((eb) => [eb.fn.countAll<string | number>().as('orders'), eb.fn.sum<string | number | null>(eb('total', '-', eb.ref('refunded_total'))).as('revenue')])
    .executeTakeFirstOrThrow();

  // Who ordered in the previous period (one row per customer id / guest e-mail).
  const previousRows = await orders
    .where('created_at', '>=', previousIso)
    .where('created_at', '<', fromIso)
    .select((eb) => ['customer_id', eb.fn<string>('lower', ['email']).as('email')])
    .distinct()
    .execute();
  const previous = new Set(previousRows.map((r) => customerKey(r.customer_id, r.email)));

  // The order history (up to `to`) of every customer who ordered in P: registered customers by id,
  // guests by lower-cased e-mail.
  const history = await orders
    .where('created_at', '<', toIso)
    .where((eb) =>
      eb.or([
        eb('customer_id', 'in', inPeriod.select('customer_id').where('customer_id', 'is not', null)),
        eb.and([
          eb('customer_id', 'is', null),
          eb(
            eb.fn('lower', ['email']),
            'in',
            inPeriod.select((sub) => sub.fn<string>('lower', ['email']).as('email')).where('customer_id', 'is', null),
          ),
        ]),
      ]),
    )
    .select((eb) => ['id', 'customer_id', eb.fn<string>('lower', ['email']).as('email'), 'total', 'created_at'])
    .execute();

  const byCustomer = new Map<string, typeof history>();
  for (const row of history) {
    const key = customerKey(row.customer_id, row.email);
    const list = byCustomer.get(key);
    if (list) list.push(row);
    else byCustomer.set(key, [row]);
  }

  let repeatCustomers = 0;
  let oneTimeCustomers = 0;
  let repeatOrders = 0;
  let upsellOrders = 0;
  for (const list of byCustomer.values()) {
    list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let inP = 0;
    list.forEach((order, i) => {
      if (order.created_at < fromIso) return;
      inP++;
      if (i === 0) return;
      repeatOrders++;
      if (order.total > list[i - 1]!.total) upsellOrders++;
    });
    if (inP >= 2) repeatCustomers++;
    else if (inP === 1) oneTimeCustomers++;
  }
  const customers = byCustomer.size;
  let churnedCustomers = 0;
  for (const key of previous) if (!byCustomer.has(key)) churnedCustomers++;

  const scores = await db
    .selectFrom('nps_responses')
    .select((eb) => ['score', eb.fn.countAll<string | number>().as('n')])
    .where('store_id', '=', storeId)
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', toIso)
    .groupBy('score')
    .execute();
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const { score, n } of scores) {
    if (score >= 9) promoters += Number(n);
    else if (score >= 7) passives += Number(n);
    else detractors += Number(n);
  }
  const npsResponses = promoters + passives + detractors;

  const orderCount = Number(totals.orders);
  const revenue = Number(totals.revenue ?? 0);
  const purchaseFrequency = ratio(orderCount, customers);
  const averageOrderValue = ratio(revenue, orderCount);
  const churnRate = ratio(churnedCustomers, previous.size);
  const averageCustomerLifespan = churnRate === 0 ? null : ratio(1, churnRate);
  const customerLifetimeValue =
    averageOrderValue === null || purchaseFrequency === null || averageCustomerLifespan === null
      ? null
      : averageOrderValue * purchaseFrequency * averageCustomerLifespan;
  const nps = npsResponses === 0 ? null : ((promoters - detractors) / npsResponses) * 100;

  return {
    counts: {
      orders: orderCount,
      customers,
      revenue,
      repeatCustomers,
      oneTimeCustomers,
      previousCustomers: previous.size,
      churnedCustomers,
      repeatOrders,
      upsellOrders,
      npsResponses,
      promoters,
      passives,
      detractors,
    },
    metrics: {
      repeatCustomerRate: round(ratio(repeatCustomers, customers), 4),
      purchaseFrequency: round(purchaseFrequency, 4),
      averageOrderValue: round(averageOrderValue, 2),
      averageCustomerLifespan: round(averageCustomerLifespan, 4),
      customerLifetimeValue: round(customerLifetimeValue, 2),
      churnRate: round(churnRate, 4),
      nps: round(nps, 1),
      repurchaseRatio: round(ratio(repeatCustomers, oneTimeCustomers), 4),
      upsellRate: round(ratio(upsellOrders, repeatOrders), 4),
    },
  };
}
