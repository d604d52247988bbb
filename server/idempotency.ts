/**
 * Idempotency keys for every state-changing call (SPEC §3).
 *
 * A route opts in with `config: { idempotent: true }`. Before the handler runs, a 'running' row is
 * inserted under (store, scope, key); the primary key makes the first request win a race. The
 * reply (status + serialised body) is stored when it is sent, and:
 * - same key + same request hash, done    → the stored reply is replayed (`Idempotent-Replayed: true`);
 * - same key + another request hash       → 422 idempotency_key_reused;
 * - same key while the first still runs   → 409 idempotency_in_progress;
 * - a 5xx reply deletes the row so the client may retry; rows older than 48 h are purged lazily.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from './db.ts';
import { ApiError, PROBLEM_CONTENT_TYPE } from './problem.ts';

export const IDEMPOTENCY_TTL_MS = 48 * 3600 * 1000;
/** A 'running' row older than this belongs to a request that died; it may be taken over. */
export const IDEMPOTENCY_STALE_MS = 2 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

export interface IdempotencyContext {
  storeId: string;
  scope: string;
  key: string;
  replayed: boolean;
}

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`).digest('hex');
}

export interface IdempotencyDeps {
  db: Database;
  now: () => Date;
}

export function createIdempotency({ db, now }: IdempotencyDeps) {
  let lastPurge = 0;

  async function purge(at: Date): Promise<void> {
    if (at.getTime() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = at.getTime();
    const cutoff = new Date(at.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    await db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute();
  }

  /**
   * Claim the key or answer from the stored reply. Returns true when the request was answered
   * (replayed) and the handler must not run.
   */
  async function begin(request: FastifyRequest, reply: FastifyReply, storeId: string, scope: string): Promise<boolean> {
    const raw = request.headers['idempotency-key'];
    const key = Array.isArray(raw) ? undefined : raw;
    if (key === undefined || !KEY_PATTERN.test(key)) throw new ApiError(400, 'idempotency_key_required');
    const at = now();
    await purge(at);
    const path = request.url.split('?')[0]!;
    const hash = requestHash(request.method, path, request.body);

    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          store_id: storeId,
          scope,
          key,
          request_hash: hash,
          state: 'running',
          status_code: null,
          response_body: null,
          created_at: at.toISOString(),
        })
        .onConflict((oc) => oc.columns(['store_id', 'scope', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
        request.encore.idem = { storeId, scope, key, replayed: false };
        return false;
      }
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('store_id', '=', storeId)
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) continue; // deleted meanwhile (a 5xx or a purge): try to claim it again
      const age = at.getTime() - Date.parse(row.created_at);
      const stale = age > IDEMPOTENCY_TTL_MS || (row.state === 'running' && age > IDEMPOTENCY_STALE_MS);
      if (stale) {
        await db
          .deleteFrom('idempotency_keys')
          .where('store_id', '=', storeId)
          .where('scope', '=', scope)
          .where('key', '=', key)
          .where('created_at', '=', row.created_at)
          .execute();
        continue;
      }
      if (row.request_hash !== hash) throw new ApiError(422, 'idempotency_key_reused');
      if (row.state === 'running') throw new ApiError(409, 'idempotency_in_progress');
      const status = row.status_code ?? 200;
      request.encore.idem = { storeId, scope, key, replayed: true };
      reply
        .code(status)
        .header('idempotent-replayed', 'true')
        .type(status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8')
        .send(row.response_body ?? '');
      return true;
    }
    throw new ApiError(409, 'idempotency_in_progress');
  }

  /** onSend: store the reply under the key (or release the key on a 5xx). */
  async function finish(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const idem = request.encore?.idem;
    if (!idem || idem.replayed) return;
    request.encore.idem = undefined;
    const where = db
      .updateTable('idempotency_keys')
      .where('store_id', '=', idem.storeId)
      .where('scope', '=', idem.scope)
      .where('key', '=', idem.key);
    if (reply.statusCode >= 500 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      await db
        .deleteFrom('idempotency_keys')
        .where('store_id', '=', idem.storeId)
        .where('scope', '=', idem.scope)
        .where('key', '=', idem.key)
        .execute();
      return;
    }
    await where
      .set({ state: 'done', status_code: reply.statusCode, response_body: typeof payload === 'string' ? payload : payload.toString('utf8') })
      .execute();
  }

  /** If the request ends without a reply being sent (connection lost), free the key. */
  async function abandon(request: FastifyRequest): Promise<void> {
    const idem = request.encore?.idem;
    if (!idem || idem.replayed) return;
    request.encore.idem = undefined;
    await db
      .deleteFrom('idempotency_keys')
      .where('store_id', '=', idem.storeId)
      .where('scope', '=', idem.scope)
      .where('key', '=', idem.key)
      .where('state', '=', 'running')
      .execute();
  }

  return { begin, finish, abandon };
}
