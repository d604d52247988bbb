import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateOpenapi, OPENAPI_FILE } from '../../scripts/openapi.ts';
import { ErrorCodes } from '../../contract/schemas.ts';

test('the committed openapi.json is up to date (run: node --import tsx scripts/openapi.ts)', async () => {
  const generated = await generateOpenapi();
  const committed = readFileSync(OPENAPI_FILE, 'utf8');
  assert.equal(committed, generated);
});

test('the OpenAPI document: 3.1, only /v1 paths, security scheme, problem responses, error codes', async () => {
  const doc = JSON.parse(await generateOpenapi());
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    '/v1/stores/{store}/loyalty/ledger',
    '/v1/stores/{store}/loyalty/redemptions',
    '/v1/stores/{store}/session',
  ]);
  assert.equal(doc.components.securitySchemes.customerToken.scheme, 'bearer');
  for (const code of Object.keys(ErrorCodes)) assert.ok(doc.info.description.includes(`\`${code}\``), code);
  const post = doc.paths['/v1/stores/{store}/loyalty/redemptions'].post;
  assert.ok(post.parameters.some((p: { in: string; name: string; required: boolean }) => p.in === 'header' && p.name === 'idempotency-key' && p.required));
  assert.equal(post.responses['409'].content['application/problem+json'].schema.$ref, '#/components/schemas/Problem');
  assert.equal(post.responses['201'].content['application/json'].schema.$ref, '#/components/schemas/Redemption');
});
