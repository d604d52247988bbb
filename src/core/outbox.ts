/**
 * The outbox: a shopper's answer (rating, review, NPS score, return request, redemption) is never
 * lost to a flaky network (SPEC §2).
 *
 * - Each answer is written to localStorage (one item per entry, under a key namespaced by store
 *   and API) before it is sent; when the browser will not store it (quota, privacy mode) it is
 *   still sent, from memory, and marked `persisted: false`.
 * - It is sent through the ApiClient under its idempotency key, and retried with full-jitter
 *   exponential backoff (honouring Retry-After) after a network error, a timeout, 408, 429 or 5xx.
 * - It is flushed again when the outbox starts (after a reload), on `online`, when the page is
 *   hidden, and on a timer for scheduled retries.
 * - It is removed only when the server has answered for good: 2xx, or a final 4xx (which rejects
 *   `done` with the ApiError: trying again cannot help). Entries older than `maxAge` are dropped.
 * - Tabs share the stored entries. A Web Lock lets one tab flush at a time, each entry is read
 *   again inside the lock just before it is sent (another tab may have delivered it), and a
 *   receipt written to storage settles the other tabs' `done` promises. The idempotency key is
 *   the last guard: should two tabs still send one entry, the server applies it once.
 */
import { idempotencyKey, type ApiClient } from './client.ts';
import { ApiError } from './errors.ts';
import type { Schema } from './validate.ts';

export interface OutboxEntry {
  id: string;
  /** What the answer is (`rating`, `nps`, `return`, ...), for `pending(kind)`. */
  kind: string;
  method: 'POST';
  path: string;
  body: unknown;
  idempotencyKey: string;
  createdAt: number;
  /** Failed attempts so far. */
  attempts: number;
  nextAttemptAt: number;
  /** The widget's own notes (e.g. the order and product rated), kept with the entry. */
  meta?: unknown;
  /** False when the browser would not store the entry: it is kept in memory only. */
  persisted: boolean;
}

export interface Outgoing {
  kind: string;
  /** Path under the store, as for `ApiClient.post`. */
  path: string;
  body: unknown;
  /** One key for one intent; a fresh one when absent. Enqueuing a pending key again returns that entry. */
  idempotencyKey?: string;
  meta?: unknown;
  /** The contract schema the reply must match (checked for answers sent from this page). */
  schema?: Schema;
}

export interface Queued<T> {
  id: string;
  idempotencyKey: string;
  persisted: boolean;
  /** Settles when the server has acknowledged the entry (in this tab or another): the reply, or the final ApiError. */
  done: Promise<T>;
}

/** An acknowledged entry: the reply, or the final error. */
export interface Delivery {
  entry: OutboxEntry;
  result?: unknown;
  error?: ApiError;
}

export interface OutboxOptions {
  /** First retry delay in ms, doubled per attempt (full jitter). */
  base?: number;
  /** Longest delay between attempts, in ms. */
  cap?: number;
  /** Entries older than this (ms) are dropped with a warning. */
  maxAge?: number;
  /** Where entries are kept; `null`: memory only. Defaults to the window's localStorage. */
  storage?: Storage | null;
  /** The window whose `online`, `pagehide`, `visibilitychange` and `storage` events flush. */
  window?: Window;
}

type Receipt = OutboxEntry & { ok?: boolean; result?: unknown; error?: ApiError };
type Waiter = { done: Promise<unknown>; ok: (value: unknown) => void; fail: (error: unknown) => void; client: ApiClient; schema?: Schema | undefined };

/** The storage key prefix of one API and store. */
function keyOf({ options: { api, store } }: ApiClient): string {
  return `encore:outbox:v1:${encodeURIComponent(store)}:${api.replace(/\/+$/, '')}:`;
}

/** An entry or a receipt read from storage; anything else is null. */
function parse(text: string | null): Receipt | null {
  try {
    const e = JSON.parse(text!);
    return typeof e?.id === 'string' && typeof e.path === 'string' && typeof e.idempotencyKey === 'string' && typeof e.createdAt === 'number' ? e : null;
  } catch {
    return null;
  }
}

export class Outbox {
  /** The client that sends entries left by an earlier page (the latest one given to `outboxFor`). */
  client: ApiClient;
  /** The storage key prefix, also the Web Lock's name. */
  readonly key: string;
  #base: number;
  #cap: number;
  #maxAge: number;
  #storage: Storage | null;
  /** Entries the storage would not keep. */
  #memory = new Map<string, OutboxEntry>();
  /** This page's callers, by entry id. */
  #waiting = new Map<string, Waiter>();
  #listeners = new Set<(delivery: Delivery) => void>();
  #closed = new AbortController();
  #busy: Promise<void> | undefined;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(client: ApiClient, { base = 1000, cap = 60_000, maxAge = 7 * 864e5, storage, window: win = window }: OutboxOptions = {}) {
    this.client = client;
    this.key = keyOf(client);
    this.#base = base;
    this.#cap = cap;
    this.#maxAge = maxAge;
    try {
      storage = storage === undefined ? win.localStorage : storage;
    } catch {
      storage = null; // access denied (blocked cookies, sandboxed frame)
    }
    this.#storage = storage;
    const on = (target: EventTarget, type: string, listener: (event: never) => unknown) => target.addEventListener(type, listener as EventListener, { signal: this.#closed.signal });
    const flush = () => void this.flush();
    on(win, 'online', flush);
    on(win, 'pagehide', flush);
    on(win.document, 'visibilitychange', () => win.document.visibilityState === 'hidden' && flush());
    on(win, 'storage', ({ key, newValue, oldValue }: StorageEvent) => {
      // Another tab delivered an entry: its receipt (or, failing that, the removal) settles ours.
      const r = key?.startsWith(this.key) && parse(newValue ?? oldValue);
      if (r && (newValue ? 'ok' in r : !('ok' in r))) this.#settle(r, r.ok ?? true, r.ok === false ? new ApiError(r.error!.kind, r.error!.message, r.error) : r.result, false);
    });
    flush(); // what an earlier page left behind
  }

  /** Keeps the answer, then sends it; never throws. */
  enqueue<T = unknown>({ schema, idempotencyKey: key = idempotencyKey(), ...outgoing }: Outgoing): Queued<T> {
    const now = Date.now();
    let entry = this.pending().find((e) => e.idempotencyKey === key);
    if (!entry) this.#save((entry = { id: idempotencyKey(), method: 'POST', ...outgoing, idempotencyKey: key, createdAt: now, attempts: 0, nextAttemptAt: now, persisted: true }));
    let waiter = this.#waiting.get(entry.id);
    if (!waiter) {
      let ok!: Waiter['ok'];
      let fail!: Waiter['fail'];
      const done = new Promise((resolve, reject) => ((ok = resolve), (fail = reject)));
      done.catch(() => {}); // a widget that does not wait for the answer leaves no unhandled rejection
      this.#waiting.set(entry.id, (waiter = { done, ok, fail, client: this.client, schema }));
    }
    void this.flush();
    return { id: entry.id, idempotencyKey: key, persisted: entry.persisted, done: waiter.done as Promise<T> };
  }

  /** Entries not yet acknowledged, oldest first (e.g. to show "saved, sending…" after a reload). */
  pending(kind?: string): OutboxEntry[] {
    const found = new Map<string, OutboxEntry>();
    const storage = this.#storage;
    try {
      const keys: string[] = [];
      for (let i = storage?.length ?? 0; i--; ) {
        const key = storage!.key(i);
        if (key?.startsWith(this.key)) keys.push(key);
      }
      for (const key of keys) {
        const e = parse(storage!.getItem(key));
        // Corrupt items and stray receipts are dropped.
        if (e && !('ok' in e)) found.set(e.id, e);
        else storage!.removeItem(key);
      }
    } catch {
      // storage failing to read is storage we do without
    }
    for (const e of this.#memory.values()) found.set(e.id, e);
    return [...found.values()].filter((e) => !kind || e.kind === kind).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Called for every acknowledged entry, from this tab or another, this page's or an earlier one's. */
  subscribe(listener: (delivery: Delivery) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends what is pending (`all`: also entries whose retry is not yet due). One tab at a time. */
  flush(all = true): Promise<void> {
    if (this.#closed.signal.aborted) return Promise.resolve();
    if (this.#busy) {
      this.#again = true; // then send what came due meanwhile (what was just tried waits its turn)
      return this.#busy;
    }
    const drain = () => this.#drain(all);
    const locks = navigator.locks;
    return (this.#busy = (locks ? locks.request(this.key, drain).catch(drain) : drain()).finally(() => {
      this.#busy = undefined;
      if (this.#again) void this.flush((this.#again = false));
      else this.#schedule();
    }));
  }

  /** Stops listening and retrying (stored entries stay for the next page). */
  close(): void {
    this.#closed.abort();
    clearTimeout(this.#timer);
    const registry = outboxes();
    if (registry.get(this.key) === this) registry.delete(this.key);
  }

  async #drain(all: boolean): Promise<void> {
    const tried = new Set<string>();
    for (;;) {
      // Read again before each entry: another tab may have delivered it meanwhile.
      const entry = this.pending().find((e) => !tried.has(e.id) && (all || e.nextAttemptAt <= Date.now()));
      if (!entry || this.#closed.signal.aborted) return;
      tried.add(entry.id);
      if (Date.now() - entry.createdAt > this.#maxAge) {
        console.warn(`[encore] dropped an answer the server did not acknowledge in time: ${entry.kind} ${entry.path}`);
        this.#settle(entry, false, new ApiError('timeout', 'The answer could not be delivered in time.'));
        continue;
      }
      const waiter = this.#waiting.get(entry.id);
      try {
        const result = await (waiter?.client ?? this.client).post(entry.path, entry.body, { idempotencyKey: entry.idempotencyKey, schema: waiter?.schema });
        this.#settle(entry, true, result);
      } catch (error) {
        // The server answered for good (4xx other than 408/429, or a 2xx reply of the wrong shape).
        if (error instanceof ApiError && !error.retryable) {
          this.#settle(entry, false, error);
          continue;
        }
        const wait = error instanceof ApiError && error.retryAfter !== undefined ? error.retryAfter * 1000 : Math.random() * Math.min(this.#cap, this.#base * 2 ** entry.attempts);
        entry.attempts++;
        entry.nextAttemptAt = Date.now() + wait;
        // Keep the new schedule, unless another tab has delivered the entry meanwhile.
        if (this.#memory.has(entry.id) || this.#read(entry.id)) this.#save(entry);
      }
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const next = Math.min(...this.pending().map((e) => e.nextAttemptAt));
    if (next < Infinity && !this.#closed.signal.aborted) this.#timer = setTimeout(() => void this.flush(false), Math.max(0, next - Date.now()));
  }

  #read(id: string): string | null | undefined {
    try {
      return this.#storage?.getItem(this.key + id);
    } catch {
      return null;
    }
  }

  /** Stores the value (or removes the item when there is none); false when the storage refuses. */
  #write(id: string, value?: unknown): boolean {
    try {
      const storage = this.#storage!;
      if (value === undefined) storage.removeItem(this.key + id);
      else storage.setItem(this.key + id, JSON.stringify(value));
      return true;
    } catch {
      return false;
    }
  }

  #save(entry: OutboxEntry): void {
    entry.persisted = true;
    if ((entry.persisted = this.#write(entry.id, entry))) this.#memory.delete(entry.id);
    else this.#memory.set(entry.id, entry);
  }

  #settle(receipt: Receipt, ok: boolean, value: unknown, own = true): void {
    const { ok: _ok, result: _result, error: _error, ...entry } = receipt;
    if (own) {
      // The receipt reaches the other tabs through their `storage` event; then the item goes.
      this.#write(entry.id, { ...entry, ok, ...(ok ? { result: value } : { error: { ...(value as ApiError), message: (value as ApiError).message } }) });
      this.#write(entry.id);
    }
    this.#memory.delete(entry.id);
    const waiter = this.#waiting.get(entry.id);
    this.#waiting.delete(entry.id);
    if (ok) waiter?.ok(value);
    else waiter?.fail(value);
    const delivery: Delivery = ok ? { entry, result: value } : { entry, error: value as ApiError };
    for (const listener of this.#listeners) {
      try {
        listener(delivery);
      } catch (error) {
        reportError(error); // one widget's bug must not stop the outbox
      }
    }
  }
}

/** The page's outboxes, shared by every copy of Encore on it. */
function outboxes(): Map<string, Outbox> {
  return ((globalThis as unknown as Record<symbol, Map<string, Outbox>>)[Symbol.for('encore.outboxes')] ??= new Map());
}

/** The page's one outbox for the client's API and store; later calls hand it their (newer) client. */
export function outboxFor(client: ApiClient): Outbox {
  const registry = outboxes();
  const key = keyOf(client);
  let outbox = registry.get(key);
  if (outbox) outbox.client = client;
  else registry.set(key, (outbox = new Outbox(client)));
  return outbox;
}
