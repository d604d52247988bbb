/**
 * The referral visit (src/referral-visit.ts): a friend who arrives with `?ref=CODE` is recorded
 * through the outbox, the code leaves the address bar, and the offer is kept for the widget.
 *
 * The module is imported the way a storefront gets it: first by the loader (encore.js imports it
 * only when the address has `?ref=`), then the tests call `recordReferralVisit()` again with an
 * address of their own.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import type { ReferralVisit } from '../../contract/types.ts';
import { clientFor } from '../../src/core/context.ts';
import { Outbox, outboxFor } from '../../src/core/outbox.ts';
import { visitorId } from '../../src/core/visitor.ts';
import type { ReferralVisitDetail } from '../../src/referral-visit.ts';
import { API, configure, problem, serve, type Call } from './support.ts';

const VISITS = `${API}/v1/stores/:store/referrals/visits`;
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfa2VuIn0.sig';

function reply(patch: Partial<ReferralVisit> = {}): ReferralVisit {
  return {
    visitId: 'vis_0001',
    expiresAt: new Date(Date.now() + 30 * 864e5).toISOString(),
    offer: { kind: 'amount_off', value: 500, currency: 'JPY', code: 'FRIEND-9XK2' },
    referrerName: 'Hana',
    ...patch,
  };
}

/** A visits endpoint that records every request; `answer` decides each reply. */
function visits(calls: Call[], answer: (index: number) => Response | Promise<Response> = () => HttpResponse.json(reply(), { status: 201 })) {
  return http.post(VISITS, async ({ request }) => {
    calls.push({ method: request.method, url: request.url, headers: request.headers, body: await request.json() });
    return answer(calls.length - 1);
  });
}

const page = location.href;
/** The test page's own query (the runner's session id): it must survive the clean-up. */
const own = location.search.slice(1);

/** Puts `query` (and a hash) into the address bar, after the runner's own parameters. */
function arrive(query: string, hash = ''): void {
  history.replaceState(history.state, '', `${location.pathname}?${own}&${query}${hash}`);
}

type Module = typeof import('../../src/referral-visit.ts');
let module: Module;

describe('referral visits', () => {
  afterEach(() => {
    history.replaceState(history.state, '', page);
    // Only this test's store: other test files run at the same time on the same localStorage.
    const { store } = window.Encore.config;
    if (!store) return;
    const box = outboxFor(clientFor(window.Encore.config));
    box.close();
    for (const key of Object.keys(localStorage)) if (key === `encore:referral-offer:${store}` || key.startsWith(box.key)) localStorage.removeItem(key);
  });

  describe('loaded by encore.js', () => {
    it('records the visit of an address with ?ref=CODE and cleans the address', async () => {
      const calls: Call[] = [];
      serve(visits(calls));
      const script = document.createElement('script');
      script.type = 'text/plain'; // only its data-* attributes are read
      script.src = '/cdn/encore/encore.js';
      script.dataset['api'] = API;
      script.dataset['store'] = 'loader-ref-store';
      document.head.append(script);
      arrive('utm_source=line&ref=HANA-7K2Q', '#tea');

      const recorded = oneEvent(document, 'encore-referral-visit') as Promise<CustomEvent<ReferralVisitDetail>>;
      await import('../../src/encore.ts');
      const event = await recorded;

      expect(location.search).to.equal(`?${own}&utm_source=line`);
      expect(location.hash).to.equal('#tea');
      expect(calls).to.have.length(1);
      expect(new URL(calls[0]!.url).pathname).to.equal('/v1/stores/loader-ref-store/referrals/visits');
      expect(calls[0]!.body).to.deep.equal({ code: 'HANA-7K2Q', visitorId: visitorId() });
      expect(event.detail).to.deep.include({ code: 'HANA-7K2Q', visitId: 'vis_0001', referrerName: 'Hana' });
      expect(JSON.parse(localStorage.getItem('encore:referral-offer:loader-ref-store')!)).to.deep.equal(event.detail);
      module = await import('../../src/referral-visit.ts');
    });
  });

  describe('recordReferralVisit()', () => {
    it('sends one POST with an Idempotency-Key, the visitor id and the token, and keeps the offer', async () => {
      const calls: Call[] = [];
      serve(visits(calls));
      const config = configure({ customerToken: TOKEN });
      arrive('ref=hana-7k2q&page=2');
      const events: ReferralVisitDetail[] = [];
      const listener = (event: CustomEvent<ReferralVisitDetail>) => events.push(event.detail);
      document.addEventListener('encore-referral-visit', listener);
      try {
        const detail = await module.recordReferralVisit();

        expect(location.search).to.equal(`?${own}&page=2`);
        expect(calls).to.have.length(1);
        expect(calls[0]!.headers.get('Idempotency-Key')).to.match(/^[\x21-\x7e]{16,255}$/);
        expect(calls[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
        expect(calls[0]!.body).to.deep.equal({ code: 'hana-7k2q', visitorId: visitorId() });
        expect(visitorId()).to.equal(localStorage.getItem('encore:visitor'));

        const expected = { code: 'HANA-7K2Q', ...reply(), expiresAt: detail!.expiresAt };
        expect(detail).to.deep.equal(expected);
        expect(events).to.deep.equal([expected]);
        expect(JSON.parse(localStorage.getItem(module.offerKey(config.store))!)).to.deep.equal(expected);
        expect(module.readOffer(config.store)).to.deep.equal(expected);
        expect(localStorage.getItem(module.offerKey('another-store'))).to.equal(null);

        // The code is gone from the address: a reload records nothing more.
        expect(await module.recordReferralVisit()).to.equal(null);
        expect(calls).to.have.length(1);
      } finally {
        document.removeEventListener('encore-referral-visit', listener);
      }
    });

    it('keeps the offer of a visit the server already had (200)', async () => {
      const calls: Call[] = [];
      serve(visits(calls, () => HttpResponse.json(reply({ visitId: 'vis_earlier' }), { status: 200 })));
      const config = configure();
      arrive('ref=HANA-7K2Q');
      expect(await module.recordReferralVisit()).to.deep.include({ visitId: 'vis_earlier' });
      expect(module.readOffer(config.store)).to.deep.include({ visitId: 'vis_earlier', code: 'HANA-7K2Q' });
      expect(calls[0]!.headers.has('Authorization')).to.equal(false);
    });

    it('replays the visit under the same key after a failed first send (the outbox)', async () => {
      const calls: Call[] = [];
      serve(visits(calls, (index) => (index === 0 ? HttpResponse.error() : index === 1 ? problem(503, 'internal') : HttpResponse.json(reply(), { status: 201 }))));
      const config = configure({ retries: 0 });
      arrive('ref=HANA-7K2Q');
      const pending = module.recordReferralVisit();
      // The address is clean at once, and the visit is kept until the server has it.
      expect(location.search).to.equal(`?${own}`);
      const stored = Object.keys(localStorage).filter((key) => key.startsWith('encore:outbox:') && key.includes(config.store));
      expect(stored).to.have.length(1);

      const detail = await pending;
      expect(detail).to.deep.include({ code: 'HANA-7K2Q', visitId: 'vis_0001' });
      expect(calls).to.have.length(3);
      expect(new Set(calls.map((call) => call.headers.get('Idempotency-Key'))).size).to.equal(1);
      expect(calls.every((call) => JSON.stringify(call.body) === JSON.stringify({ code: 'HANA-7K2Q', visitorId: visitorId() }))).to.equal(true);
      expect(module.readOffer(config.store)).to.deep.include({ visitId: 'vis_0001' });
      expect(Object.keys(localStorage).filter((key) => key.startsWith('encore:outbox:') && key.includes(config.store))).to.deep.equal([]);
    });

    it('keeps the offer of a visit that an earlier page left to deliver', async () => {
      const calls: Call[] = [];
      let online = false;
      serve(visits(calls, () => (online ? HttpResponse.json(reply(), { status: 201 }) : HttpResponse.error())));
      const config = configure({ retries: 0 });
      // The earlier page: the visit was stored, then the friend left while offline.
      const earlier = new Outbox(clientFor(config), { base: 60_000 });
      earlier.enqueue({ kind: 'referral-visit', path: '/referrals/visits', body: { code: 'HANA-7K2Q', visitorId: visitorId() } });
      await waitUntil(() => calls.length === 1, 'the earlier page never tried');
      earlier.close();

      // This page has no ?ref= (it was cleaned): the delivery alone keeps the offer.
      online = true;
      const recorded = oneEvent(document, 'encore-referral-visit') as Promise<CustomEvent<ReferralVisitDetail>>;
      expect(await module.recordReferralVisit()).to.equal(null);
      expect((await recorded).detail).to.deep.include({ code: 'HANA-7K2Q', visitId: 'vis_0001' });
      expect(module.readOffer(config.store)).to.deep.include({ code: 'HANA-7K2Q' });
      expect(calls).to.have.length(2);
      expect(calls[0]!.headers.get('Idempotency-Key')).to.equal(calls[1]!.headers.get('Idempotency-Key'));
    });

    for (const [status, code] of [
      [404, 'referral_code_not_found'],
      [409, 'self_referral'],
    ] as const) {
      it(`cleans up and keeps nothing after ${status} ${code}`, async () => {
        const calls: Call[] = [];
        serve(visits(calls, () => problem(status, code)));
        const config = configure({ customerToken: TOKEN });
        arrive('ref=HANA-7K2Q');
        const events: unknown[] = [];
        const listener = (event: Event) => events.push(event);
        document.addEventListener('encore-referral-visit', listener);
        try {
          expect(await module.recordReferralVisit()).to.equal(null);
        } finally {
          document.removeEventListener('encore-referral-visit', listener);
        }
        expect(location.search).to.equal(`?${own}`);
        expect(calls).to.have.length(1); // an answer, not a fault: never sent again
        expect(events).to.deep.equal([]);
        expect(module.readOffer(config.store)).to.equal(null);
        expect(localStorage.getItem(module.offerKey(config.store))).to.equal(null);
        expect(Object.keys(localStorage).filter((key) => key.startsWith('encore:outbox:') && key.includes(config.store))).to.deep.equal([]);
      });
    }

    for (const junk of ['ref=', 'ref=ab', 'ref=%3Cscript%3E', 'ref=HANA%207K2Q', `ref=${'A'.repeat(33)}`, 'ref=%E0%A4%A', 'referrer=HANA-7K2Q']) {
      it(`ignores ${junk} and leaves the address alone`, async () => {
        const calls: Call[] = [];
        serve(visits(calls));
        configure();
        arrive(junk);
        const before = location.href;
        expect(await module.recordReferralVisit()).to.equal(null);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(location.href).to.equal(before);
        expect(calls).to.deep.equal([]);
      });
    }

    it('does nothing while Encore has no API or store', async () => {
      configure({ store: '' });
      arrive('ref=HANA-7K2Q');
      const before = location.href;
      expect(await module.recordReferralVisit()).to.equal(null);
      expect(location.href).to.equal(before);
    });

    it('never throws into the page', async () => {
      const calls: Call[] = [];
      serve(visits(calls));
      configure();
      arrive('ref=HANA-7K2Q');
      const replaceState = history.replaceState;
      const warn = console.warn;
      const warnings: unknown[] = [];
      history.replaceState = () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      };
      console.warn = (...args: unknown[]) => void warnings.push(args);
      try {
        expect(await module.recordReferralVisit()).to.equal(null);
      } finally {
        history.replaceState = replaceState;
        console.warn = warn;
      }
      expect(warnings).to.have.length(1);
    });
  });
});
