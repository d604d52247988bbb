/**
 * Property-based robustness (issue 3, SPEC §4): for every operation in the generated OpenAPI
 * document, random and malformed requests — near-valid bodies built from the operation's own
 * schema, arbitrary JSON, broken JSON, wrong media types, odd path and query values, with and
 * without shopper or merchant credentials — never get a 5xx, always get a problem document with
 * a known code when refused, and never change stored data when refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../server/db.ts';
import { ErrorCodes } from '../../contract/schemas.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, token, daysFromNow, ENGINE, STORE } from './helpers.ts';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  $ref?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Operation {
  method: string;
  path: string;
  body?: Schema;
  query: { name: string; schema: Schema }[];
}

let db: Database;
let app: FastifyInstance;
let operations: Operation[] = [];
let components: Record<string, Schema> = {};
let auth: Record<string, Record<string, string>> = {};

const RUNS = ENGINE === 'sqlite' ? 60 : 25;
// Tables a refused request may legitimately touch: the stored answer of an idempotent call.
const VOLATILE = new Set(['idempotency_keys', 'kysely_migration', 'kysely_migration_lock']);

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  await addCustomer(db, 'cus_a');
  await addEntry(db, 'cus_a', 'purchase', 2000, 10, 300, 'ord_1');
  await db
    .insertInto('products')
    .values([
      { store_id: STORE, id: 'p1', title: 'Sencha', url: '/p/p1', image: '/i/p1.svg', price: 1200, in_stock: 1, final_sale: 0 },
      { store_id: STORE, id: 'p2', title: 'Matcha', url: '/p/p2', image: '/i/p2.svg', price: 2400, in_stock: 1, final_sale: 1 },
    ])
    .execute();
  await db
    .insertInto('orders')
    .values({
      store_id: STORE,
      id: 'ord_1',
      number: '1001',
      customer_id: 'cus_a',
      email: 'cus_a@example.com',
      postal_code: '150-0001',
      phone: '+81 3 1234 5678',
      total: 3600,
      currency: 'JPY',
      created_at: daysFromNow(-10),
    })
    .execute();
  await db
    .insertInto('order_items')
    .values([
      { store_id: STORE, order_id: 'ord_1', product_id: 'p1', quantity: 1, price: 1200, title: 'Sencha', final_sale: 0 },
      { store_id: STORE, order_id: 'ord_1', product_id: 'p2', quantity: 1, price: 2400, title: 'Matcha', final_sale: 1 },
    ])
    .execute();

  auth = {
    none: {},
    customer: await bearer('cus_a'),
    orderToken: { authorization: `Bearer ${await token('ord_1')}` },
    otherStore: await bearer('cus_a', { store: 'other-store' }),
    expired: await bearer('cus_a', { ttlSeconds: -3600 }),
    garbage: { authorization: 'Bearer not.a.jwt' },
    malformed: { authorization: 'Basic Zm9vOmJhcg==' },
    admin: { authorization: 'Bearer admin' },
    badAdmin: { authorization: 'Bearer nope' },
    badSignature: { 'encore-signature': 't=1,v1=00' },
  };

  await app.ready();
  const doc = app.swagger() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    components?: { schemas?: Record<string, Schema> };
  };
  components = doc.components?.schemas ?? {};
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        ...(op.requestBody ? { body: op.requestBody.content['application/json']?.schema ?? {} } : {}),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
      });
    }
  }
});

after(async () => {
  await app?.close();
  await db?.destroy();
});

function resolve(schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '').replace(/#$/, '');
    return resolve(components[name]);
  }
  return schema;
}

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '\u0000', '<script>alert(1)</script>', "' OR 1=1 --", '__proto__', 'x'.repeat(5000), -1, 0, 2 ** 53, 1e308, -0.5, true, null, [], {}),
);
const likelyIds = fc.constantFrom('p1', 'p2', 'ord_1', '1001', 'cus_a', 'r-100', 'nope', 'cus_a@example.com', '150-0001', 'ABCD-1234', 'v_visitor_12345678');

/** Values shaped like the schema most of the time (so validation passes further), junk otherwise. */
function arb(schemaIn: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn);
  if (depth > 3) return junk;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => arb(s, depth + 1)), junk);
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: junk });
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let shaped: fc.Arbitrary<unknown>;
  switch (type) {
    case 'string':
      shaped = fc.oneof({ weight: 4, arbitrary: likelyIds }, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
      break;
    case 'integer':
    case 'number':
      shaped = fc.oneof(fc.integer({ min: -5, max: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
      break;
    case 'boolean':
      shaped = fc.boolean();
      break;
    case 'array':
      shaped = fc.array(arb(schema.items, depth + 1), { maxLength: 4 });
      break;
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      const model = Object.fromEntries(props.map(([k, v]) => [k, arb(v, depth + 1)]));
      shaped = fc.tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 })).map(([known, extra]) =>
        Object.keys(extra).length > 0 && Math.random() < 0.2 ? { ...extra, ...known } : known,
      );
      break;
    }
    default:
      shaped = junk;
  }
  return fc.oneof({ weight: 5, arbitrary: shaped }, { weight: 1, arbitrary: junk });
}

const pathValue = fc.oneof(
  { weight: 6, arbitrary: likelyIds },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('..', '%', '%00', 'a/b', '😀', 'x'.repeat(300)) },
);

async function snapshot(): Promise<string> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((n) => !VOLATILE.has(n));
  const hash = createHash('sha256');
  for (const table of tables.sort()) {
    const rows = await db.selectFrom(sql.table(table).as('t')).selectAll().execute();
    hash.update(table);
    for (const row of rows.map((r) => JSON.stringify(r)).sort()) hash.update(row);
  }
  return hash.digest('hex');
}

test('every operation: random and malformed requests never get a 5xx, and refused ones change nothing', async () => {
  assert.ok(operations.length >= 3, 'the OpenAPI document lists the operations');
  const seen = new Map<string, Set<number>>();
  for (const op of operations) {
    const statuses = new Set<number>();
    seen.set(`${op.method} ${op.path}`, statuses);
    const request = fc.record({
      params: fc.dictionary(fc.constantFrom('x'), pathValue),
      store: fc.oneof({ weight: 8, arbitrary: fc.constant(STORE) }, { weight: 1, arbitrary: pathValue }),
      pathValues: fc.array(pathValue, { minLength: 4, maxLength: 4 }),
      query: fc.record(Object.fromEntries(op.query.map((q) => [q.name, arb(q.schema)])), { requiredKeys: [] }),
      body: op.body ? arb(op.body) : fc.option(junk),
      rawBody: fc.option(fc.oneof(fc.constantFrom('{', '{"a":', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'), fc.string({ maxLength: 30 })), { freq: 8 }),
      // Weighted towards credentials that pass, so requests get past authentication often.
      who: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('customer', 'admin') },
        { weight: 1, arbitrary: fc.constantFrom('orderToken', 'none') },
        { weight: 1, arbitrary: fc.constantFrom(...Object.keys(auth)) },
      ),
      key: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 10 }), fc.constant('x'.repeat(300))), { freq: 4 }),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/problem+json', 'application/json; charset=latin1') },
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const url =
          op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(name === 'store' ? r.store : r.pathValues[i++ % 4]!)) +
          (Object.keys(r.query).length > 0
            ? '?' + new URLSearchParams(Object.entries(r.query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
            : '');
        const headers: Record<string, string> = { ...auth[r.who] };
        if (r.key !== null) headers['idempotency-key'] = r.key;
        const hasBody = op.method !== 'GET' && op.method !== 'HEAD';
        if (hasBody) headers['content-type'] = r.contentType;
        const payload = hasBody ? (r.rawBody ?? JSON.stringify(r.body)) : undefined;
        const before = await snapshot();
        const res = await app.inject({ method: op.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
        statuses.add(res.statusCode);
        assert.ok(res.statusCode < 500, `${op.method} ${url} → ${res.statusCode}: ${res.body}`);
        if (res.statusCode >= 400) {
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `${op.method} ${url}`);
          const problem = res.json() as { code: string; status: number };
          assert.ok(problem.code in ErrorCodes, `unknown code ${problem.code}`);
          assert.equal(problem.status, res.statusCode);
          assert.equal(await snapshot(), before, `${op.method} ${url} → ${res.statusCode} ${problem.code} changed stored data`);
        }
      }),
      { numRuns: RUNS, seed: 20261126, endOnFailure: true },
    );
  }
  const summary = [...seen].map(([op, s]) => `${op}: ${[...s].sort().join(',')}`);
  console.log(`operations fuzzed: ${operations.length}, ${RUNS} requests each\n${summary.join('\n')}`);
});
