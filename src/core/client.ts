/**
 * The one API client every widget uses. Widgets never call `fetch` themselves.
 *
 * - base URL and store from configuration; the customer token as a Bearer header, asked for
 *   again from a token function when the server says it expired;
 * - a timeout per attempt; retries with full-jitter exponential backoff, only for network errors,
 *   timeouts, 408, 429 and 5xx, honouring Retry-After;
 * - an Idempotency-Key on every state-changing request (kept across its retries);
 * - one request in flight for identical GETs, and their reply shared for a moment, so widgets
 *   that read the same data on one page make one request;
 * - typed errors (`ApiError`) read from application/problem+json; replies checked against the
 *   contract's schema.
 */
import { ApiError, type ProblemDetails } from './errors.ts';
import type { TokenSource } from './global.ts';
import { mismatch, type Schema } from './validate.ts';

export interface ClientOptions {
  api: string;
  store: string;
  customerToken?: TokenSource | null;
  /** Milliseconds per attempt. */
  timeout?: number;
  /** Extra attempts after a retryable failure. */
  retries?: number;
  /** How long a GET reply is shared with later identical reads, in ms. */
  shareFor?: number;
}

export interface RequestOptions {
  /** The contract schema the reply must match. */
  schema?: Schema;
  signal?: AbortSignal;
}

export interface ReadOptions extends RequestOptions {
  /** How long this reply is shared with later identical reads, in ms (default: `shareFor`). */
  shareFor?: number;
  /** Read again even if a shared reply is at hand. */
  fresh?: boolean;
}

export interface WriteOptions extends RequestOptions {
  /** Reuse one key for every retry of the same intent; a fresh one is made when absent. */
  idempotencyKey?: string;
}

const BASE_DELAY = 300;
const MAX_DELAY = 4000;
/** A Retry-After longer than this is reported to the shopper instead of waited out. */
const MAX_WAIT = 10_000;

export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(abortError(signal))), { once: true });
  });
}

/** Resolves with the promise, or rejects as soon as the caller's signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
    promise.then(resolve, reject);
  });
}

export class ApiClient {
  readonly options: Readonly<Required<ClientOptions>>;
  #token: Promise<string | null> | undefined;
  #inflight = new Map<string, Promise<unknown>>();
  #shared = new Map<string, { until: number; value: unknown }>();
  /** Successful writes so far: a read that was on its way during one is not shared. */
  #writes = 0;

  constructor(options: ClientOptions) {
    this.options = { customerToken: null, timeout: 8000, retries: 2, shareFor: 3000, ...options };
  }

  /** True when a customer token (or a function for one) is configured. */
  get signedIn(): boolean {
    return Boolean(this.options.customerToken);
  }

  get<T>(path: string, options: ReadOptions = {}): Promise<T> {
    const key = `${this.#url(path)}`;
    const shared = this.#shared.get(key);
    if (!options.fresh && shared && shared.until > Date.now()) return Promise.resolve(shared.value as T);
    let promise = this.#inflight.get(key) as Promise<T> | undefined;
    if (!promise) {
      // The shared request ignores any one caller's signal: others may still want the reply.
      const writes = this.#writes;
      const sent = (promise = this.#send<T>('GET', path, undefined, undefined, options.schema));
      this.#inflight.set(key, sent);
      sent.then(
        (value) => writes === this.#writes && this.#shared.set(key, { until: Date.now() + (options.shareFor ?? this.options.shareFor), value }),
        () => {},
      ).finally(() => this.#inflight.get(key) === sent && this.#inflight.delete(key));
    }
    return untilAborted(promise, options.signal);
  }

  async post<T>(path: string, body: unknown, options: WriteOptions = {}): Promise<T> {
    const reply = await this.#send<T>('POST', path, body, options.idempotencyKey ?? idempotencyKey(), options.schema, options.signal);
    // A write may change what earlier reads said, and what reads on their way will say.
    this.#writes++;
    this.#shared.clear();
    this.#inflight.clear();
    return reply;
  }

  #url(path: string): string {
    const { api, store } = this.options;
    return `${api.replace(/\/+$/, '')}/v1/stores/${encodeURIComponent(store)}${path}`;
  }

  #customerToken(refresh = false): Promise<string | null> {
    const source = this.options.customerToken;
    if (typeof source !== 'function') return Promise.resolve(source || null);
    if (refresh || !this.#token) {
      this.#token = Promise.resolve()
        .then(source)
        .then((token) => token || null);
    }
    return this.#token;
  }

  async #send<T>(method: string, path: string, body: unknown, key: string | undefined, schema?: Schema, signal?: AbortSignal): Promise<T> {
    if (!this.options.api || !this.options.store) {
      throw new ApiError('config', 'Encore needs an API URL and a store id (data-api, data-store).');
    }
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt<T>(method, path, body, key, schema, refreshed, signal);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error; // the caller aborted
        if (error.code === 'token_expired' && typeof this.options.customerToken === 'function' && !refreshed) {
          refreshed = true;
          attempt--;
          continue;
        }
        if (!error.retryable || attempt >= this.options.retries) throw error;
        const wait = error.retryAfter !== undefined ? error.retryAfter * 1000 : Math.random() * Math.min(MAX_DELAY, BASE_DELAY * 2 ** attempt);
        if (wait > MAX_WAIT) throw error;
        await sleep(wait, signal);
      }
    }
  }

  async #attempt<T>(method: string, path: string, body: unknown, key: string | undefined, schema: Schema | undefined, refresh: boolean, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = await this.#customerToken(refresh);
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (key) headers['Idempotency-Key'] = key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeout);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let text: string;
    let response: Response;
    try {
      response = await fetch(this.#url(path), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: controller.signal,
        credentials: 'omit',
      });
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw abortError(signal);
      if (controller.signal.aborted) throw new ApiError('timeout', 'The server did not answer in time.', { cause });
      throw new ApiError('network', 'The server could not be reached.', { cause });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    let data: unknown;
    let parsed = true;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = false;
    }
    if (!response.ok) {
      const problem = parsed && data && typeof data === 'object' ? (data as ProblemDetails) : undefined;
      const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
      throw new ApiError('http', problem?.title ?? `HTTP ${response.status}`, {
        status: response.status,
        ...(problem && { problem }),
        ...(retryAfter !== undefined && { retryAfter }),
      });
    }
    if (!parsed) throw new ApiError('parse', 'The server sent a reply that is not JSON.');
    const wrong = schema ? mismatch(schema, data) : null;
    if (wrong) throw new ApiError('shape', `The server's reply does not match the contract at ${wrong}.`);
    return data as T;
  }
}
