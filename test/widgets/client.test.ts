import { expect } from '@open-wc/testing';
import { delay, http, HttpResponse } from 'msw';
import * as contract from '../../contract/schemas.ts';
import type { Redemption, Session } from '../../contract/types.ts';
import { ApiClient, type ClientOptions } from '../../src/core/client.ts';
import { API, member, problem, redeemHandler, redemption, rejection, serve, session, sessionHandler, type Call } from './support.ts';

let stores = 0;
/** A client of its own store, quick to give up. */
function client(options: Partial<ClientOptions> = {}): ApiClient {
  return new ApiClient({ api: API, store: `client-store-${++stores}`, timeout: 1000, retries: 2, ...options });
}


/** A handler that records the time of each call. */
function timed(times: number[], reply: (index: number) => Response | Promise<Response>) {
  return http.get(`${API}/v1/stores/:store/session`, () => {
    times.push(performance.now());
    return reply(times.length - 1);
  });
}

describe('ApiClient', () => {
  describe('reads', () => {
    it('makes one request for identical concurrent GETs, and shares the reply for a moment', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, async () => (await delay(50), HttpResponse.json(session()))));
      const api = client();
      const [a, b, c] = await Promise.all([api.get<Session>('/session'), api.get<Session>('/session'), api.get<Session>('/session')]);
      expect(calls).to.have.length(1);
      expect(a).to.deep.equal(session());
      expect(b).to.equal(a);
      expect(c).to.equal(a);

      await api.get('/session');
      expect(calls).to.have.length(1);
    });

    it('reads again once the sharing window has passed', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls));
      const api = client({ shareFor: 30 });
      await api.get('/session');
      await delay(60);
      await api.get('/session');
      expect(calls).to.have.length(2);
    });

    it('builds the URL from the base and the store, and sends the token', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls));
      await client({ api: `${API}/`, store: 'tea house', customerToken: 'tok-1' }).get('/session');
      expect(calls[0]!.url).to.equal(`${API}/v1/stores/tea%20house/session`);
      expect(calls[0]!.headers.get('Authorization')).to.equal('Bearer tok-1');
      expect(calls[0]!.headers.get('Accept')).to.equal('application/json');
      expect(calls[0]!.headers.has('Idempotency-Key')).to.equal(false);
    });

    it('sends no Authorization header without a token', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls));
      const api = client();
      expect(api.signedIn).to.equal(false);
      await api.get('/session');
      expect(calls[0]!.headers.has('Authorization')).to.equal(false);
    });

    it('lets one caller abort without failing the others', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, async () => (await delay(100), HttpResponse.json(session()))));
      const api = client();
      const controller = new AbortController();
      const aborted = api.get('/session', { signal: controller.signal });
      const kept = api.get<Session>('/session');
      controller.abort();
      const error = await aborted.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DOMException);
      expect((error as DOMException).name).to.equal('AbortError');
      expect((await kept).store.name).to.equal('Sakura Tea House');
      expect(calls).to.have.length(1);
    });
  });

  describe('writes', () => {
    it('sends an Idempotency-Key and the JSON body', async () => {
      const posts: Call[] = [];
      serve(redeemHandler(posts));
      const reply = await client({ customerToken: 'tok' }).post<Redemption>('/loyalty/redemptions', { rewardId: 'rw_500_off' }, { schema: contract.Redemption });
      expect(reply).to.deep.equal(redemption());
      expect(posts).to.have.length(1);
      expect(posts[0]!.headers.get('Idempotency-Key')).to.match(/^[0-9a-f]{32}$/);
      expect(posts[0]!.headers.get('Content-Type')).to.equal('application/json');
      expect(posts[0]!.body).to.deep.equal({ rewardId: 'rw_500_off' });
    });

    it('keeps the key across its own retries, and uses the caller’s key when given', async () => {
      const posts: Call[] = [];
      serve(redeemHandler(posts, (_call, index) => (index % 3 < 2 ? problem(503, 'internal') : HttpResponse.json(redemption(), { status: 201 }))));
      const api = client({ retries: 2 });
      await api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' });
      expect(posts).to.have.length(3);
      expect(new Set(posts.map((post) => post.headers.get('Idempotency-Key'))).size).to.equal(1);

      await api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' }, { idempotencyKey: 'intent-42' });
      expect(posts.slice(3).map((post) => post.headers.get('Idempotency-Key'))).to.deep.equal(['intent-42', 'intent-42', 'intent-42']);
      expect(posts[0]!.headers.get('Idempotency-Key')).not.to.equal('intent-42');
    });

    it('forgets shared reads after a write', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls), redeemHandler([]));
      const api = client();
      await api.get('/session');
      await api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' });
      await api.get('/session');
      expect(calls).to.have.length(2);
    });

    it('shares a read as long as the call asks, past a failed write, until a write succeeds or a fresh read is asked for', async () => {
      const calls: Call[] = [];
      serve(
        sessionHandler(calls),
        redeemHandler([], (_call, index) => (index === 0 ? problem(409, 'insufficient_points') : HttpResponse.json(redemption(), { status: 201 }))),
      );
      const api = client({ retries: 0, shareFor: 0 });
      const read = () => api.get('/session', { shareFor: Infinity });
      await read();
      await read();
      expect(calls, 'shared beyond the client default').to.have.length(1);
      expect((await rejection(api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' }))).status).to.equal(409);
      await read();
      expect(calls, 'a failed write changes nothing').to.have.length(1);
      await api.get('/session', { shareFor: Infinity, fresh: true });
      expect(calls).to.have.length(2);
      await api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' });
      await read();
      expect(calls, 'a write that succeeded').to.have.length(3);
    });
  });

  describe('retries', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      it(`does not retry a ${status}`, async () => {
        const times: number[] = [];
        serve(timed(times, () => problem(status, 'validation_failed')));
        const error = await rejection(client({ retries: 3 }).get('/session'));
        expect(error.status).to.equal(status);
        expect(error.retryable).to.equal(false);
        expect(times).to.have.length(1);
      });
    }

    const retryable: Array<[string, () => Response | Promise<Response>, string]> = [
      ['503', () => problem(503, 'internal'), 'http'],
      ['500', () => problem(500, 'internal'), 'http'],
      ['429 without Retry-After', () => problem(429, 'rate_limited'), 'http'],
      ['408', () => problem(408, 'timeout'), 'http'],
      ['a network error', () => HttpResponse.error(), 'network'],
      ['a timeout', async () => (await delay(300), HttpResponse.json(session())), 'timeout'],
    ];
    for (const [name, reply, kind] of retryable) {
      it(`retries ${name}, then gives up`, async () => {
        const times: number[] = [];
        serve(timed(times, reply));
        // Only the timeout case needs a short timeout; the others get room for a loaded machine.
        const error = await rejection(client({ retries: 2, timeout: kind === 'timeout' ? 100 : 2000 }).get('/session'));
        expect(error.kind).to.equal(kind);
        expect(error.retryable).to.equal(true);
        expect(times).to.have.length(3);
      });
    }

    it('succeeds when a retry does', async () => {
      const times: number[] = [];
      serve(timed(times, (index) => (index === 0 ? HttpResponse.error() : HttpResponse.json(session()))));
      const reply = await client().get<Session>('/session');
      expect(reply.customer?.balance).to.equal(1840);
      expect(times).to.have.length(2);
    });

    it('backs off exponentially between attempts (full jitter)', async () => {
      // The jitter drawn is 0.5 every time, so the waits asked for are half of 300, 600 and 1,200 ms.
      // They are read from the timers the client sets: the wall clock only shows that the waits
      // happened (a floor), since a loaded machine stretches them by any amount.
      const random = Math.random;
      const setTimer = window.setTimeout;
      const asked: number[] = [];
      Math.random = () => 0.5;
      window.setTimeout = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => {
        asked.push(ms ?? 0);
        return setTimer(handler, ms, ...rest);
      }) as typeof window.setTimeout;
      try {
        const times: number[] = [];
        serve(timed(times, () => problem(503, 'internal')));
        await rejection(client({ retries: 3, timeout: 2000 }).get('/session'));
        expect(times).to.have.length(4);
        const waits = asked.filter((ms) => ms !== 2000 && ms > 0); // not the per-attempt timeouts
        expect(waits).to.deep.equal([150, 300, 600]);
        expect(times[1]! - times[0]!).to.be.at.least(140);
        expect(times[2]! - times[1]!).to.be.at.least(290);
        expect(times[3]! - times[2]!).to.be.at.least(590);
      } finally {
        Math.random = random;
        window.setTimeout = setTimer;
      }
    });

    it('honours Retry-After', async () => {
      const times: number[] = [];
      serve(timed(times, (index) => (index === 0 ? problem(503, 'internal', 'Busy', { 'Retry-After': '1' }) : HttpResponse.json(session()))));
      await client().get('/session');
      expect(times).to.have.length(2);
      expect(times[1]! - times[0]!).to.be.at.least(950);
    });

    it('reports a long Retry-After instead of waiting it out', async () => {
      const times: number[] = [];
      serve(timed(times, () => problem(429, 'rate_limited', 'Too Many Requests', { 'Retry-After': '120' })));
      const started = performance.now();
      const error = await rejection(client({ retries: 3 }).get('/session'));
      expect(times).to.have.length(1);
      expect(performance.now() - started).to.be.below(1000);
      expect(error.status).to.equal(429);
      expect(error.retryAfter).to.equal(120);
    });
  });

  describe('errors', () => {
    it('reads a problem document into a typed error', async () => {
      serve(redeemHandler([], () => problem(409, 'insufficient_points', 'Not enough points')));
      const error = await rejection(client().post('/loyalty/redemptions', { rewardId: 'rw_10_percent' }));
      expect(error.name).to.equal('ApiError');
      expect(error.kind).to.equal('http');
      expect(error.status).to.equal(409);
      expect(error.code).to.equal('insufficient_points');
      expect(error.message).to.equal('Not enough points');
      expect(error.problem).to.include({ status: 409, code: 'insufficient_points', title: 'Not enough points' });
    });

    it('copes with an error that is not a problem document', async () => {
      serve(http.get(`${API}/v1/stores/:store/session`, () => new HttpResponse('<h1>Bad Gateway</h1>', { status: 502, headers: { 'Content-Type': 'text/html' } })));
      const error = await rejection(client({ retries: 0 }).get('/session'));
      expect(error.kind).to.equal('http');
      expect(error.status).to.equal(502);
      expect(error.code).to.equal('http');
      expect(error.message).to.equal('HTTP 502');
    });

    it('rejects a reply that is not JSON', async () => {
      serve(sessionHandler([], () => new HttpResponse('{"store": ', { headers: { 'Content-Type': 'application/json' } })));
      const error = await rejection(client().get('/session', { schema: contract.Session }));
      expect(error.kind).to.equal('parse');
      expect(error.retryable).to.equal(false);
    });

    it('rejects a reply of the wrong shape', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, () => HttpResponse.json({ ...session(), customer: { ...member(), balance: '1840' } })));
      const error = await rejection(client().get('/session', { schema: contract.Session }));
      expect(error.kind).to.equal('shape');
      expect(error.message).to.contain('/customer');
      expect(calls).to.have.length(1);
    });

    it('rejects a reply with a required field missing', async () => {
      const { customer: _omitted, ...rest } = session();
      serve(sessionHandler([], () => HttpResponse.json(rest)));
      const error = await rejection(client().get('/session', { schema: contract.Session }));
      expect(error.kind).to.equal('shape');
      expect(error.message).to.contain('/customer');
    });

    it('accepts fields a newer server adds', async () => {
      serve(sessionHandler([], () => HttpResponse.json({ ...session(), announcements: [] })));
      const reply = await client().get<Session>('/session', { schema: contract.Session });
      expect(reply.store.currency).to.equal('JPY');
    });

    it('fails with a config error, and no request, when the API or store is missing', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls));
      const noApi = await rejection(client({ api: '' }).get('/session'));
      expect(noApi.kind).to.equal('config');
      const noStore = await rejection(client({ store: '' }).post('/loyalty/redemptions', {}));
      expect(noStore.kind).to.equal('config');
      expect(calls).to.have.length(0);
    });
  });

  describe('customer token function', () => {
    it('is called again when the token has expired, and the call retried', async () => {
      const calls: Call[] = [];
      let minted = 0;
      serve(sessionHandler(calls, (call) => (call.headers.get('Authorization') === 'Bearer token-2' ? HttpResponse.json(session()) : problem(401, 'token_expired'))));
      const api = client({ customerToken: () => `token-${++minted}` });
      expect(api.signedIn).to.equal(true);
      await api.get('/session');
      expect(minted).to.equal(2);
      expect(calls.map((call) => call.headers.get('Authorization'))).to.deep.equal(['Bearer token-1', 'Bearer token-2']);
    });

    it('gives up when the fresh token is refused too', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, () => problem(401, 'token_expired')));
      let minted = 0;
      const error = await rejection(client({ customerToken: () => `token-${++minted}` }).get('/session'));
      expect(error.code).to.equal('token_expired');
      expect(calls).to.have.length(2);
    });

    it('does not retry an expired string token', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, () => problem(401, 'token_expired')));
      const error = await rejection(client({ customerToken: 'old' }).get('/session'));
      expect(error.status).to.equal(401);
      expect(calls).to.have.length(1);
    });
  });
});
