/**
 * SPEC §5, "widgets share data": a page with the shopper-data widgets (points balance, referral
 * share, NPS survey, rating prompt, returns entry) makes exactly one API request before the
 * shopper interacts, the page's session read, signed in or not.
 */
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { HttpResponse } from 'msw';
import '../../src/widgets/nps-survey/define.ts';
import '../../src/widgets/points-balance/define.ts';
import '../../src/widgets/rating-prompt/define.ts';
import '../../src/widgets/referral-share/define.ts';
import '../../src/widgets/returns-entry/define.ts';
import { API, configure, getPart, member, part, parts, serve, session, sessionHandler, waitForState, worker, type Call } from './support.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig';
const sencha = { productId: 'prd_sencha', title: 'Sencha Green Tea', url: null, image: null };

/** Every request that reaches the mocked API while `body` runs. */
async function apiRequests(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = ({ request }: { request: Request }) => {
    if (request.url.startsWith(API)) seen.push(`${request.method} ${new URL(request.url).pathname}`);
  };
  worker.events.on('request:start', listener);
  try {
    await body();
  } finally {
    worker.events.removeListener('request:start', listener);
  }
  return seen;
}

/** All five widgets stacked in one grid cell, so every one is in view at once. */
async function page(): Promise<Element[]> {
  const wrapper = await fixture(html`<div style="display: grid">
    <encore-points-balance style="grid-area: 1 / 1"></encore-points-balance>
    <encore-referral-share style="grid-area: 1 / 1"></encore-referral-share>
    <encore-nps-survey style="grid-area: 1 / 1"></encore-nps-survey>
    <encore-rating-prompt order="ord_1001" style="grid-area: 1 / 1"></encore-rating-prompt>
    <encore-returns-entry style="grid-area: 1 / 1"></encore-returns-entry>
  </div>`);
  return Array.from(wrapper.children);
}

describe('a page of widgets', () => {
  it('signed in: one request, the session, feeds all five', async () => {
    const sessions: Call[] = [];
    serve(sessionHandler(sessions, () => HttpResponse.json(session(member(), { pendingReviews: { orderId: 'ord_1001', items: [sencha], pointsPerReview: 50 } }))));
    configure({ customerToken: TOKEN });
    let widgets: Element[] = [];
    const requests = await apiRequests(async () => {
      widgets = await page();
      for (const el of widgets) await waitForState(el, 'data');
      await aTimeout(300); // nothing more arrives later
    });
    const [points, referral, nps, rating, returns] = widgets as [Element, Element, Element, Element, Element];
    expect(getPart(points, 'balance').textContent).to.contain('1,840');
    expect(getPart<HTMLInputElement>(referral, 'link').value).to.equal('https://shop.example.jp/?ref=HANA-7K2Q');
    expect(parts(nps, 'score')).to.have.length(11);
    expect(parts(rating, 'item')).to.have.length(1);
    expect(part(returns, 'policy')).not.to.equal(null);
    expect(requests).to.have.length(1);
    expect(requests[0]).to.match(/^GET \/v1\/stores\/test-store-[\w-]+\/session$/);
    expect(sessions).to.have.length(1);
    expect(sessions[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
  });

  it('guest: one request, the session, for all five (the rating prompt asks the guest to sign in)', async () => {
    serve(sessionHandler([], () => HttpResponse.json(session(null))));
    configure();
    let widgets: Element[] = [];
    const requests = await apiRequests(async () => {
      widgets = await page();
      for (const el of widgets) await waitForState(el, 'data');
      await aTimeout(300);
    });
    const [points, referral, nps, rating, returns] = widgets as [Element, Element, Element, Element, Element];
    expect(part(points, 'join-link')).not.to.equal(null);
    expect(part(referral, 'join-link')).not.to.equal(null);
    expect(parts(nps, 'score')).to.have.length(11);
    expect(part(rating, 'guest')).not.to.equal(null);
    expect(part(returns, 'policy')).not.to.equal(null);
    expect(requests).to.deep.equal([requests[0]]);
    expect(requests[0]).to.match(/^GET \/v1\/stores\/test-store-[\w-]+\/session$/);
  });
});
