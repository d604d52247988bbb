/**
 * The page's one session read (src/core/session.ts): one request per client for every caller,
 * whenever each starts; a failed read is not kept; a successful write makes the next read fresh.
 */
import { expect } from '@open-wc/testing';
import { delay, HttpResponse } from 'msw';
import { ApiClient, type ClientOptions } from '../../src/core/client.ts';
import { pageSession } from '../../src/core/session.ts';
import { visitorId } from '../../src/core/visitor.ts';
import { API, member, problem, redeemHandler, redemption, rejection, serve, session, sessionHandler, type Call } from './support.ts';

let stores = 0;
/** A client of its own store that does not retry, and shares a GET reply only briefly. */
function client(options: Partial<ClientOptions> = {}): ApiClient {
  return new ApiClient({ api: API, store: `session-store-${++stores}`, timeout: 1000, retries: 0, shareFor: 10, ...options });
}


describe('pageSession', () => {
  it('reads GET /session?visitorId=… once for every caller, also for callers that start after the reply', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls, async () => (await delay(30), HttpResponse.json(session()))));
    const api = client({ customerToken: 'tok' });
    const [a, b] = await Promise.all([pageSession(api), pageSession(api)]);
    await delay(50); // longer than the client's own sharing window
    const c = await pageSession(api);
    expect(calls).to.have.length(1);
    expect(b).to.equal(a);
    expect(c).to.equal(a);
    expect(a).to.deep.equal(session());
    const url = new URL(calls[0]!.url);
    expect(url.pathname).to.equal(`/v1/stores/${api.options.store}/session`);
    expect(url.searchParams.get('visitorId')).to.equal(visitorId());
    expect(calls[0]!.headers.get('Authorization')).to.equal('Bearer tok');
  });

  it('reads once per client: another client (another token or store) reads its own', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls, (call) => HttpResponse.json(session(call.headers.get('Authorization') ? member() : null))));
    const guest = client();
    const shopper = new ApiClient({ ...guest.options, customerToken: 'tok' });
    const [g, s] = await Promise.all([pageSession(guest), pageSession(shopper)]);
    expect(g.customer).to.equal(null);
    expect(s.customer?.id).to.equal('cus_hanako');
    await Promise.all([pageSession(guest), pageSession(shopper)]);
    expect(calls).to.have.length(2);
  });

  it('does not keep a failed read: the next call reads again', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls, (_call, index) => (index === 0 ? problem(503, 'internal') : HttpResponse.json(session()))));
    const api = client();
    const [first, second] = await Promise.allSettled([pageSession(api), pageSession(api)]);
    expect(first.status).to.equal('rejected');
    expect(second.status).to.equal('rejected');
    expect(calls).to.have.length(1); // callers of one failed read share its failure
    expect((await pageSession(api)).customer?.id).to.equal('cus_hanako');
    await pageSession(api);
    expect(calls).to.have.length(2);
  });

  it('does not keep a reply of the wrong shape either', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls, (_call, index) => HttpResponse.json(index === 0 ? { ...session(), nps: { ask: 'yes' } } : session())));
    const api = client();
    expect((await rejection(pageSession(api))).kind).to.equal('shape');
    expect((await pageSession(api)).nps).to.deep.equal({ ask: true, reason: null, nextAskAt: null });
    expect(calls).to.have.length(2);
  });

  it('reads again after a successful write through the client, not after a failed one', async () => {
    const calls: Call[] = [];
    serve(
      sessionHandler(calls, (_call, index) => HttpResponse.json(session(member({ balance: 1840 - 500 * index })))),
      redeemHandler([], (_call, index) => (index === 0 ? problem(409, 'insufficient_points') : HttpResponse.json(redemption(), { status: 201 }))),
    );
    const api = client();
    expect((await pageSession(api)).customer?.balance).to.equal(1840);
    // A refused write changes nothing: the kept session stays.
    await rejection(api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' }));
    expect((await pageSession(api)).customer?.balance).to.equal(1840);
    expect(calls).to.have.length(1);
    // A write the server acknowledged may have changed it: the next read is fresh, and kept again.
    await api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' });
    expect((await pageSession(api)).customer?.balance).to.equal(1340);
    expect((await pageSession(api)).customer?.balance).to.equal(1340);
    expect(calls).to.have.length(2);
  });

  it('does not keep a read that was still on its way when a write succeeded', async () => {
    const calls: Call[] = [];
    const writes: Call[] = [];
    serve(
      sessionHandler(calls, async (_call, index) => (index === 0 && (await delay(80)), HttpResponse.json(session(member({ balance: index === 0 ? 1840 : 1340 }))))),
      redeemHandler(writes, () => HttpResponse.json(redemption(), { status: 201 })),
    );
    const api = client();
    const early = pageSession(api);
    await api.post('/loyalty/redemptions', { rewardId: 'rw_500_off' });
    expect((await early).customer?.balance).to.equal(1840);
    await delay(20); // past the client's own sharing window
    expect((await pageSession(api)).customer?.balance).to.equal(1340);
    expect(calls).to.have.length(2);
    expect(writes).to.have.length(1);
  });

  it('reads again when asked for a fresh session', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls));
    const api = client();
    const a = await pageSession(api);
    await delay(20);
    const b = await pageSession(api, true);
    expect(b).not.to.equal(a);
    expect(await pageSession(api)).to.equal(b);
    expect(calls).to.have.length(2);
  });
});
