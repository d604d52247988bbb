import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateOpenapi, OPENAPI_FILE } from '../../scripts/openapi.ts';
import { ErrorCodes } from '../../contract/schemas.ts';
import { buildApp } from '../../server/app.ts';
import { openDatabase } from '../../server/db.ts';
import { migrate } from '../../server/migrations/index.ts';

test('the committed openapi.json is up to date (run: node --import tsx scripts/openapi.ts)', async () => {
  const generated = await generateOpenapi();
  const committed = readFileSync(OPENAPI_FILE, 'utf8');
  assert.equal(committed, generated);
});

test('the OpenAPI document: 3.1, only /v1 paths, security scheme, problem responses, error codes', async () => {
  const doc = JSON.parse(await generateOpenapi());
  assert.equal(doc.openapi, '3.1.0');
  for (const path of ['/v1/stores/{store}/loyalty/ledger', '/v1/stores/{store}/loyalty/redemptions', '/v1/stores/{store}/session']) {
    assert.ok(path in doc.paths, path);
  }
  assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/v1/')));
  assert.equal(doc.components.securitySchemes.customerToken.scheme, 'bearer');
  for (const code of Object.keys(ErrorCodes)) assert.ok(doc.info.description.includes(`\`${code}\``), code);
  const post = doc.paths['/v1/stores/{store}/loyalty/redemptions'].post;
  assert.ok(post.parameters.some((p: { in: string; name: string; required: boolean }) => p.in === 'header' && p.name === 'idempotency-key' && p.required));
  assert.equal(post.responses['409'].content['application/problem+json'].schema.$ref, '#/components/schemas/Problem');
  assert.equal(post.responses['201'].content['application/json'].schema.$ref, '#/components/schemas/Redemption');
});

test('every /v1 route the server answers is in the document, with its parameters, a summary and its responses', async () => {
  const db = openDatabase(':memory:');
  await migrate(db);
  const app = await buildApp({ db });
  await app.ready();
  // Every route the server registered, from Fastify's own route table.
  const routes: { method: string; url: string }[] = [];
  // The printed tree nests routes under a shared prefix: rebuild full paths from the indentation.
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const url = (depth > 0 ? stack[depth - 1]! : '') + m[2]!;
    stack.push(url);
    if (!url.startsWith('/v1/')) continue;
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') routes.push({ method, url });
  }
  const doc = JSON.parse(await generateOpenapi());
  await app.close();
  await db.destroy();
  assert.ok(routes.length >= 3);
  const documented: { method: string; url: string }[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(ops)) documented.push({ method: method.toUpperCase(), url: path });
  }
  assert.equal(documented.length, routes.length);
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    assert.ok(documented.some((d) => d.url === path && d.method === r.method), `${r.method} ${r.url} is not documented`);
  }
  for (const { method, url } of documented) {
    const op = doc.paths[url][method.toLowerCase()];
    assert.ok(op.summary && op.description, `${method} ${url}: summary and description`);
    for (const name of [...url.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
      assert.ok(op.parameters?.some((p: { in: string; name: string }) => p.in === 'path' && p.name === name), `${method} ${url}: path parameter ${name}`);
    }
    const statuses = Object.keys(op.responses);
    assert.ok(statuses.some((s) => s.startsWith('2')), `${method} ${url}: a success response`);
    assert.ok(statuses.some((s) => s.startsWith('4')), `${method} ${url}: its problem responses`);
    if (method !== 'GET') assert.ok('413' in op.responses || !op.requestBody, `${method} ${url}: 413 for bodies over the limit`);
  }
});
