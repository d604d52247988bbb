/**
 * The benchmark's server, run in its own process by scripts/bench/index.ts so that load figures are
 * the server's alone: the reference app (server/main.ts) on a bench-only database (an SQLite file
 * under .bench/, or a fresh PostgreSQL schema), seeded with the demo store and then, through the
 * merchant API, with 221 extra products and 220 orders so that one product (`bench-anchor`) has
 * 220 co-purchased products. It also serves the bench pages (./pages.ts), the built bundle and the
 * peers' files from node_modules. No rate limit (a load test would measure the limiter).
 *
 * `GET /bench/stall` answers the longest event-loop delay since the previous call (10 ms resolution):
 * how long the server could not run at all during a load point.
 *
 * Env: BENCH_SQLITE (file) or BENCH_DATABASE_URL + BENCH_SCHEMA. Prints one JSON line when ready.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import staticFiles from '@fastify/static';
import { sql } from 'kysely';
import { mintCustomerToken, mintOrderToken } from '../../server/auth.ts';
import { startServer } from '../../server/main.ts';
import { createRecommender } from '../../server/recommendations.ts';
import { DEMO_ADMIN_KEY, DEMO_CUSTOMER_ID, DEMO_SECRET, DEMO_STORE_ID } from '../../server/seed.ts';
import { findStore } from '../../server/stores.ts';
import { registerPages } from './pages.ts';

export const ANCHOR = 'bench-anchor';
export const EXTRA_PRODUCTS = 220;

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const databaseUrl = process.env['BENCH_DATABASE_URL'] || undefined;
delete process.env['DATABASE_URL']; // only what this process was told to use
if (databaseUrl) process.env['DATABASE_SCHEMA'] = process.env['BENCH_SCHEMA'] ?? 'encore_bench';

const token = () => mintCustomerToken({ store: DEMO_STORE_ID, secret: DEMO_SECRET, customerId: DEMO_CUSTOMER_ID, ttlSeconds: 6 * 3600 });

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  ...(databaseUrl ? { databaseUrl } : { dbFile: process.env['BENCH_SQLITE'] ?? root('.bench/encore-bench.db') }),
  seed: true,
  quiet: true,
  rateLimit: false,
  register: async (app, db) => {
    await app.register(staticFiles, { root: root('dist'), prefix: '/encore/', decorateReply: false });
    await app.register(staticFiles, { root: root('node_modules/@shoelace-style/shoelace/cdn'), prefix: '/peers/shoelace/', decorateReply: false });
    await app.register(staticFiles, { root: root('node_modules/@nosto/web-components/dist'), prefix: '/peers/nosto/', decorateReply: false });
    await registerPages(app, { token, anchor: ANCHOR });
    // The server caps a recommendations read at RECOMMENDATIONS_MAX; the 200-product carousel gets its
    // list from the server's own recommender, asked for 200 (the harness hands it to the page).
    const recommender = createRecommender(db, () => new Date());
    app.get<{ Querystring: { n?: string } }>('/bench/recommendations', async (request) => {
      const store = await findStore(db, DEMO_STORE_ID);
      return recommender.recommend({ store: store!, productId: ANCHOR, customerId: undefined, limit: Number(request.query.n ?? 200), exclude: [] });
    });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    app.get('/bench/stall', async () => {
      const maxMs = loop.max / 1e6;
      loop.reset();
      return { maxMs };
    });
    app.get('/bench/info', async () => {
      const version = databaseUrl
        ? (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]!.v
        : `SQLite ${(await sql<{ v: string }>`select sqlite_version() as v`.execute(db)).rows[0]!.v}`;
      return { engine: databaseUrl ? 'postgres' : 'sqlite', version, pid: process.pid };
    });
  },
});

/** The extra catalogue and its orders, through the merchant API as a merchant's backend would send them. */
async function seedExtra(): Promise<void> {
  const admin = { authorization: `Bearer ${DEMO_ADMIN_KEY}`, 'content-type': 'application/json' };
  const url = (path: string) => `/v1/stores/${DEMO_STORE_ID}/admin/${path}`;
  const exists = await server.app.inject({ method: 'GET', url: url('orders/bench-order-0'), headers: admin });
  if (exists.statusCode === 200) return;
  const ids = Array.from({ length: EXTRA_PRODUCTS }, (_, i) => `bench-p-${String(i).padStart(3, '0')}`);
  const products = [ANCHOR, ...ids].map((id, i) => ({
    id,
    title: id === ANCHOR ? 'Bench Anchor Teapot' : `Bench Product ${i} — Seasonal Tea Selection`,
    url: `/demo/product?product=${id}`,
    image: `/demo/img/${id}.svg`,
    price: 800 + ((i * 137) % 9000),
  }));
  const put = await server.app.inject({ method: 'PUT', url: url('products'), headers: admin, payload: { products } });
  if (put.statusCode !== 200) throw new Error(`product upsert: ${put.statusCode} ${put.body}`);
  const day = 86_400_000;
  for (const [i, id] of ids.entries()) {
    const price = products[i + 1]!.price;
    const order = {
      id: `bench-order-${i}`,
      number: `BENCH-${i}`,
      email: `bench-${i}@example.net`,
      currency: 'JPY',
      createdAt: new Date(Date.now() - ((i % 60) + 1) * day).toISOString(),
      items: [
        { productId: ANCHOR, quantity: 1, price: products[0]!.price },
        { productId: id, quantity: 1 + (i % 3), price },
      ],
    };
    const res = await server.app.inject({ method: 'POST', url: url('orders'), headers: admin, payload: order });
    if (res.statusCode >= 300) throw new Error(`order ${order.id}: ${res.statusCode} ${res.body}`);
    // The guest buyer rates the item (with the order token a thank-you page would carry), so cards show stars.
    const orderToken = await mintOrderToken({ store: DEMO_STORE_ID, secret: DEMO_SECRET, orderId: order.id });
    const review = await server.app.inject({
      method: 'POST',
      url: `/v1/stores/${DEMO_STORE_ID}/reviews`,
      headers: { authorization: `Bearer ${orderToken}`, 'content-type': 'application/json', 'idempotency-key': `bench-review-${i}` },
      payload: { order: order.id, items: [{ product: id, rating: 3 + (i % 3) }] },
    });
    if (review.statusCode >= 300) throw new Error(`review of ${order.id}: ${review.statusCode} ${review.body}`);
  }
}

await seedExtra();
console.log(JSON.stringify({ url: server.url.replace('localhost', '127.0.0.1'), token: await token() }));

const stop = () => void server.close().then(() => process.exit(0), () => process.exit(1));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
