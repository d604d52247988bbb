/**
 * The outbox (SPEC §2: a shopper's answer is never lost). Each test has a store of its own, so
 * its storage key, its lock and its requests are its own. A "reload" is a second Outbox after
 * the first one is closed (its listeners and timers gone, its storage left as a page leaves it);
 * a "second tab" is an Outbox whose storage and events are those of a same-origin iframe, so
 * `storage` events really cross between the two documents.
 */
import { expect, fixture, html, waitUntil as waitUntilQuickly } from '@open-wc/testing';
import { delay, http, HttpResponse } from 'msw';
import { ApiClient, type ClientOptions } from '../../src/core/client.ts';
import { clientFor } from '../../src/core/context.ts';
import { EncoreElement } from '../../src/core/element.ts';
import { Outbox, outboxFor, type Delivery, type OutboxOptions } from '../../src/core/outbox.ts';
import { API, configure, gate, problem, rejection, serve } from './support.ts';

const REVIEWS = `${API}/v1/stores/:store/reviews`;
const review = { orderId: 'ord_1001', productId: 'prd_sencha', rating: 5, body: 'Lovely tea' };
const created = { id: 'rev_1', pointsEarned: 50 };

interface Seen {
  key: string | null;
  body: unknown;
  at: number;
  /** What storage held under the outbox's prefix when the request arrived. */
  stored: string[];
}

/** waitUntil with room for a loaded machine (the default gives up after 1 s). */
function waitUntil(condition: () => boolean, message = 'the condition never held'): Promise<void> {
  return waitUntilQuickly(condition, message, { timeout: 5000, interval: 10 });
}

let stores = 0;
let prefix = '';
const opened: Outbox[] = [];

/** A client of a fresh store that does not retry by itself, so attempts are the outbox's own. */
function client(options: Partial<ClientOptions> = {}): ApiClient {
  const api = new ApiClient({ api: API, store: `outbox-store-${++stores}-${Math.random().toString(36).slice(2, 8)}`, timeout: 1000, retries: 0, ...options });
  prefix = `encore:outbox:v1:${encodeURIComponent(api.options.store)}:${API}:`;
  return api;
}

function outbox(api: ApiClient, options: OutboxOptions = {}): Outbox {
  const box = new Outbox(api, { base: 20, cap: 200, ...options });
  opened.push(box);
  return box;
}

function storedKeys(storage: Storage = localStorage): string[] {
  return Object.keys(storage).filter((key) => key.startsWith(prefix));
}

/** A reviews endpoint that records every request; `reply` decides each answer. */
function reviews(seen: Seen[], reply: (index: number) => Response | Promise<Response>) {
  return http.post(REVIEWS, async ({ request }) => {
    seen.push({ key: request.headers.get('Idempotency-Key'), body: await request.json(), at: performance.now(), stored: storedKeys() });
    return reply(seen.length - 1);
  });
}

const ok = () => HttpResponse.json(created, { status: 201 });
const offline = () => HttpResponse.error();

/** Math.random() fixed at its top, so full-jitter delays are their upper bound. */
function withoutJitter(): () => void {
  const random = Math.random;
  Math.random = () => 0.999999;
  return () => (Math.random = random);
}


/** A same-origin document: its own `localStorage` object and window events, like another tab's. */
async function otherTab(): Promise<Window> {
  const frame = await fixture<HTMLIFrameElement>(html`<iframe title="another tab"></iframe>`);
  return frame.contentWindow!;
}

describe('Outbox', () => {
  afterEach(() => {
    for (const box of opened.splice(0)) box.close();
    // Only this file's stores: other test files run at the same time on the same storage.
    const configured = (window as { Encore?: { config: { store: string } } }).Encore?.config.store;
    const mine = [`encore:outbox:v1:outbox-store-`, ...(configured ? [`encore:outbox:v1:${encodeURIComponent(configured)}:`] : [])];
    for (const key of Object.keys(localStorage)) if (mine.some((prefix) => key.startsWith(prefix))) localStorage.removeItem(key);
  });

  it('stores the answer before sending it, and survives a reload while offline', async () => {
    const seen: Seen[] = [];
    let online = false;
    serve(reviews(seen, () => (online ? ok() : offline())));
    const api = client();

    const first = outbox(api);
    const queued = first.enqueue({ kind: 'rating', path: '/reviews', body: review, meta: { order: 'ord_1001' } });
    expect(queued.persisted).to.equal(true);
    expect(storedKeys()).to.deep.equal([prefix + queued.id]);
    await waitUntil(() => seen.length >= 3, 'the outbox never retried');
    // Every attempt found the answer already in storage.
    expect(seen.every((s) => s.stored.includes(prefix + queued.id))).to.equal(true);

    first.close(); // the page goes away
    await delay(100); // a request already on its way may still arrive
    const attempts = seen.length;
    await delay(400);
    expect(seen.length, 'a closed outbox kept sending').to.equal(attempts);
    const [left] = first.pending('rating');
    expect(left).to.include({ id: queued.id, kind: 'rating', path: '/reviews', idempotencyKey: queued.idempotencyKey, persisted: true });
    expect(left!.attempts).to.be.at.least(3);
    expect(left!.meta).to.deep.equal({ order: 'ord_1001' });

    online = true;
    const deliveries: Delivery[] = [];
    const reloaded = outbox(api); // flushes what the earlier page left, at once
    reloaded.subscribe((delivery) => deliveries.push(delivery));
    await waitUntil(() => deliveries.length === 1, 'the reloaded page never delivered the answer');

    expect(deliveries[0]!.result).to.deep.equal(created);
    expect(deliveries[0]!.entry).to.include({ id: queued.id, kind: 'rating' });
    expect(seen.map((s) => s.key)).to.deep.equal(seen.map(() => queued.idempotencyKey));
    expect(seen.slice(attempts)).to.have.length(1);
    expect(seen.at(-1)!.body).to.deep.equal(review);
    expect(storedKeys()).to.deep.equal([]);
    expect(reloaded.pending()).to.deep.equal([]);
    await reloaded.flush();
    expect(seen).to.have.length(attempts + 1);
  });

  it('retries 5xx with exponential backoff, and removes the entry only after the 201', async () => {
    const restore = withoutJitter();
    try {
      const seen: Seen[] = [];
      serve(reviews(seen, (i) => (i < 3 ? problem(i === 1 ? 502 : 500, 'internal') : ok())));
      const box = outbox(client(), { base: 40, cap: 1000 });
      const queued = box.enqueue({ kind: 'rating', path: '/reviews', body: review });
      expect(await queued.done).to.deep.equal(created);

      expect(seen).to.have.length(4);
      expect(new Set(seen.map((s) => s.key))).to.deep.equal(new Set([queued.idempotencyKey]));
      // Still stored at every attempt, the 201 included; gone after it.
      expect(seen.every((s) => s.stored.length === 1)).to.equal(true);
      expect(storedKeys()).to.deep.equal([]);
      const gaps = seen.slice(1).map((s, i) => s.at - seen[i]!.at);
      // 40, 80, 160 ms: base × 2^attempt (full jitter pinned to its top).
      gaps.forEach((gap, i) => expect(gap, `gap ${i + 1}`).to.be.at.least(40 * 2 ** i - 2));
    } finally {
      restore();
    }
  });

  it('caps the backoff, and honours Retry-After on 429', async () => {
    const restore = withoutJitter();
    try {
      const seen: Seen[] = [];
      serve(reviews(seen, (i) => (i === 0 ? problem(503, 'internal') : i === 1 ? problem(429, 'rate_limited', 'Slow down', { 'Retry-After': '0.3' }) : ok())));
      const box = outbox(client(), { base: 1000, cap: 50 });
      await box.enqueue({ kind: 'nps', path: '/reviews', body: { score: 9 } }).done;
      expect(seen).to.have.length(3);
      expect(seen[1]!.at - seen[0]!.at).to.be.within(45, 700); // capped at 50, not 1000
      expect(seen[2]!.at - seen[1]!.at).to.be.at.least(295); // the server's 0.3 s
    } finally {
      restore();
    }
  });

  it('sends again after a timeout, under the same key', async () => {
    const seen: Seen[] = [];
    serve(reviews(seen, async (i) => (i === 0 ? (await delay(1500), ok()) : ok()))); // longer than the client waits
    const box = outbox(client({ timeout: 150 }));
    const queued = box.enqueue({ kind: 'rating', path: '/reviews', body: review });
    expect(await queued.done).to.deep.equal(created);
    expect(seen.map((s) => s.key)).to.deep.equal([queued.idempotencyKey, queued.idempotencyKey]);
    expect(storedKeys()).to.deep.equal([]);
  });

  for (const [status, code] of [
    [409, 'already_rated'],
    [422, 'invalid_body'],
  ] as const) {
    it(`removes an answer the server refused for good (${status}) and rejects with the ApiError`, async () => {
      const seen: Seen[] = [];
      serve(reviews(seen, () => problem(status, code, 'Refused')));
      const box = outbox(client());
      const deliveries: Delivery[] = [];
      box.subscribe((delivery) => deliveries.push(delivery));
      const queued = box.enqueue({ kind: 'rating', path: '/reviews', body: review });
      const error = await rejection(queued.done);
      expect(error).to.include({ kind: 'http', status, code });
      expect(seen).to.have.length(1);
      expect(storedKeys()).to.deep.equal([]);
      expect(deliveries).to.have.length(1);
      expect(deliveries[0]!.error).to.equal(error);
      await box.flush();
      expect(seen).to.have.length(1);
    });
  }

  it('treats one idempotency key as one answer', async () => {
    const seen: Seen[] = [];
    serve(reviews(seen, async () => (await delay(50), ok())));
    const box = outbox(client());
    const a = box.enqueue({ kind: 'rating', path: '/reviews', body: review, idempotencyKey: 'rating-ord_1001-prd_sencha' });
    const b = box.enqueue({ kind: 'rating', path: '/reviews', body: review, idempotencyKey: 'rating-ord_1001-prd_sencha' });
    expect(b.id).to.equal(a.id);
    expect(storedKeys()).to.have.length(1);
    await Promise.all([a.done, b.done]);
    expect(seen.map((s) => s.key)).to.deep.equal(['rating-ord_1001-prd_sencha']);
  });

  describe('two tabs', () => {
    it('lets one tab at a time flush (Web Locks), so the server sees the answer once', async () => {
      const seen: Seen[] = [];
      let online = false;
      const reply = gate();
      serve(reviews(seen, async () => (online ? (await reply.wait, ok()) : offline())));
      const api = client();
      const earlier = outbox(api, { base: 10_000 });
      const { id, idempotencyKey } = earlier.enqueue({ kind: 'rating', path: '/reviews', body: review });
      await waitUntil(() => seen.length >= 1);
      earlier.close();
      await delay(50);
      seen.length = 0;

      online = true;
      const tab = await otherTab();
      const a = outbox(api); // both start, and flush, at once
      const b = outbox(api, { storage: tab.localStorage, window: tab });
      await waitUntil(() => seen.length >= 1, 'nobody sent the answer');
      const locks = await navigator.locks.query();
      expect(locks.held!.filter((lock) => lock.name === a.key)).to.have.length(1);
      expect(locks.pending!.filter((lock) => lock.name === a.key)).to.have.length(1);

      reply.open();
      await Promise.all([a.flush(), b.flush()]);
      await delay(100);
      expect(seen.map((s) => s.key)).to.deep.equal([idempotencyKey]);
      expect(storedKeys()).to.deep.equal([]);
      expect(a.pending().concat(b.pending()).map((e) => e.id)).to.not.include(id);
    });

    it('settles a tab’s answer when another tab delivered it', async () => {
      const seen: Seen[] = [];
      let online = false;
      serve(reviews(seen, () => (online ? ok() : offline())));
      const api = client();
      const mine = outbox(api, { base: 10_000 });
      const deliveries: Delivery[] = [];
      mine.subscribe((delivery) => deliveries.push(delivery));
      const queued = mine.enqueue({ kind: 'rating', path: '/reviews', body: review });
      await waitUntil(() => seen.length >= 1);

      online = true;
      const tab = await otherTab();
      const other = outbox(api, { storage: tab.localStorage, window: tab });
      // The other tab's outbox starts by flushing what it finds in the shared storage.
      expect(await queued.done).to.deep.equal(created);
      expect(deliveries.map((d) => [d.entry.id, d.result])).to.deep.equal([[queued.id, created]]);
      expect(storedKeys()).to.deep.equal([]);

      await Promise.all([mine.flush(), other.flush()]);
      expect(seen.map((s) => s.key)).to.deep.equal([queued.idempotencyKey, queued.idempotencyKey]); // one failure, one delivery
    });

    it('hands a final refusal to the tab that is waiting', async () => {
      let online = false;
      serve(reviews([], () => (online ? problem(422, 'invalid_body', 'Bad review') : offline())));
      const api = client();
      const mine = outbox(api, { base: 10_000 });
      const queued = mine.enqueue({ kind: 'rating', path: '/reviews', body: review });
      await delay(50);
      online = true;
      const tab = await otherTab();
      outbox(api, { storage: tab.localStorage, window: tab });
      const error = await rejection(queued.done);
      expect(error).to.include({ kind: 'http', status: 422, code: 'invalid_body', message: 'Bad review' });
    });

    it('still delivers once without the Web Locks API', async () => {
      const seen: Seen[] = [];
      serve(reviews(seen, ok));
      Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
      try {
        const box = outbox(client());
        expect(await box.enqueue({ kind: 'rating', path: '/reviews', body: review }).done).to.deep.equal(created);
        await box.flush();
        expect(seen).to.have.length(1);
      } finally {
        delete (navigator as { locks?: unknown }).locks;
      }
      expect(navigator.locks).to.be.instanceOf(LockManager);
    });
  });

  describe('storage trouble', () => {
    it('still sends when the storage is full, and says the answer is not persisted', async () => {
      const seen: Seen[] = [];
      serve(reviews(seen, ok));
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
      try {
        const box = outbox(client());
        const queued = box.enqueue({ kind: 'rating', path: '/reviews', body: review });
        expect(queued.persisted).to.equal(false);
        expect(box.pending('rating').map((e) => [e.id, e.persisted])).to.deep.equal([[queued.id, false]]);
        expect(await queued.done).to.deep.equal(created);
      } finally {
        Storage.prototype.setItem = setItem;
      }
      expect(seen).to.have.length(1);
      expect(seen[0]!.stored).to.deep.equal([]);
    });

    it('works from memory when there is no storage at all', async () => {
      const seen: Seen[] = [];
      serve(reviews(seen, ok));
      const box = outbox(client(), { storage: null });
      const queued = box.enqueue({ kind: 'nps', path: '/reviews', body: { score: 3 } });
      expect(queued.persisted).to.equal(false);
      expect(await queued.done).to.deep.equal(created);
      expect(seen).to.have.length(1);
    });

    it('ignores and drops corrupt items, and delivers the good ones', async () => {
      const seen: Seen[] = [];
      let online = false;
      serve(reviews(seen, () => (online ? ok() : offline())));
      const api = client();
      const earlier = outbox(api, { base: 10_000 });
      const { id } = earlier.enqueue({ kind: 'rating', path: '/reviews', body: review });
      await waitUntil(() => seen.length >= 1);
      earlier.close();
      localStorage.setItem(`${prefix}broken`, '{"id": "x", "path": ');
      localStorage.setItem(`${prefix}odd`, JSON.stringify({ id: 42 }));
      localStorage.setItem(`${prefix}null`, 'null');

      online = true;
      const reloaded = outbox(api);
      expect(reloaded.pending().map((e) => e.id)).to.deep.equal([id]);
      expect(storedKeys()).to.deep.equal([prefix + id]);
      await waitUntil(() => storedKeys().length === 0, 'the good entry was never delivered');
      expect(seen).to.have.length(2);
    });

    it('drops an entry the server never acknowledged in time, with a warning', async () => {
      const seen: Seen[] = [];
      serve(reviews(seen, offline));
      const warn = console.warn;
      const warnings: unknown[][] = [];
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        const box = outbox(client(), { maxAge: 100, base: 30, cap: 30 });
        const queued = box.enqueue({ kind: 'return', path: '/reviews', body: review });
        const error = await rejection(queued.done);
        expect(error.kind).to.equal('timeout');
        expect(storedKeys()).to.deep.equal([]);
        expect(String(warnings[0]?.[0])).to.contain('dropped');
        const attempts = seen.length;
        expect(attempts).to.be.at.least(2);
        await delay(100);
        expect(seen).to.have.length(attempts);
      } finally {
        console.warn = warn;
      }
    });
  });

  describe('flushes again', () => {
    const triggers: Array<[string, () => void]> = [
      ['online', () => dispatchEvent(new Event('online'))],
      [
        'visibilitychange to hidden',
        () => {
          Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
          document.dispatchEvent(new Event('visibilitychange'));
          delete (document as { visibilityState?: unknown }).visibilityState;
        },
      ],
      ['pagehide', () => dispatchEvent(new PageTransitionEvent('pagehide'))],
    ];
    for (const [name, fire] of triggers) {
      it(`on ${name}, without waiting for the next retry`, async () => {
        const restore = withoutJitter();
        try {
          const seen: Seen[] = [];
          let online = false;
          serve(reviews(seen, () => (online ? ok() : offline())));
          const box = outbox(client(), { base: 60_000, cap: 60_000 });
          const queued = box.enqueue({ kind: 'rating', path: '/reviews', body: review });
          await waitUntil(() => seen.length >= 1);
          await delay(100);
          expect(seen, 'retried before its time').to.have.length(1);
          expect(box.pending()[0]!.nextAttemptAt - Date.now()).to.be.above(50_000);

          online = true;
          fire();
          expect(await queued.done).to.deep.equal(created);
          expect(seen).to.have.length(2);
          expect(storedKeys()).to.deep.equal([]);
        } finally {
          restore();
        }
      });
    }

    it('but not when the page becomes visible', async () => {
      const seen: Seen[] = [];
      serve(reviews(seen, offline));
      const restore = withoutJitter();
      try {
        const box = outbox(client(), { base: 60_000 });
        box.enqueue({ kind: 'rating', path: '/reviews', body: review });
        await waitUntil(() => seen.length >= 1);
        document.dispatchEvent(new Event('visibilitychange'));
        await delay(100);
        expect(seen).to.have.length(1);
      } finally {
        restore();
      }
    });
  });

  describe('on the page', () => {
    it('is one outbox per API and store, sending with the newest client', async () => {
      const tokens: Array<string | null> = [];
      serve(
        http.post(REVIEWS, ({ request }) => {
          tokens.push(request.headers.get('Authorization'));
          return ok();
        }),
      );
      const config = configure({ customerToken: 'token-guest' });
      const first = outboxFor(clientFor(config));
      opened.push(first);
      const second = outboxFor(clientFor({ ...config, customerToken: 'token-hanako' }));
      expect(second).to.equal(first);
      expect(outboxFor(clientFor({ ...config, store: `${config.store}-other` }))).to.not.equal(first);
      opened.push(outboxFor(clientFor({ ...config, store: `${config.store}-other` })));
      await second.enqueue({ kind: 'rating', path: '/reviews', body: review }).done;
      expect(tokens).to.deep.equal(['Bearer token-hanako']);
    });

    it('reaches widgets as `this.outbox`, following their attributes', async () => {
      customElements.define('outbox-probe', class extends EncoreElement {});
      const config = configure();
      const el = await fixture<EncoreElement>(html`<outbox-probe></outbox-probe>`);
      expect(el.outbox).to.equal(outboxFor(clientFor(config)));
      el.store = 'another-store';
      expect(el.outbox).to.not.equal(outboxFor(clientFor(config)));
      expect(el.outbox.key).to.contain('another-store');
      opened.push(el.outbox, outboxFor(clientFor(config)));
    });
  });
});
