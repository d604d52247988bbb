/**
 * <encore-recommendations>: the APG carousel, its keyboard and scrolling, what is inert, the
 * impressions and clicks it reports (batched, through the outbox), the storefront's events, every
 * state and fault, both locales, and its cost for 1, 8 and 200 products (DOM size and render
 * time are printed, not asserted against the clock).
 *
 * The widget sits in a 600 px box: with 11rem slides and a 0.75rem gap, three slides are in view
 * and a 2 px sliver of the fourth.
 */
import { aTimeout, expect, fixture, oneEvent, waitUntil as waitUntilQuickly } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import { delay, http, HttpResponse } from 'msw';
import type { Recommendations, RecommendedProduct } from '../../contract/types.ts';
import type { EncoreConfig } from '../../src/core/global.ts';
import type { Outbox } from '../../src/core/outbox.ts';
import { pageSession } from '../../src/core/session.ts';
import { EncoreRecommendations } from '../../src/widgets/recommendations/define.ts';
import type { AddToCartDetail, RecommendationClickDetail } from '../../src/widgets/recommendations/recommendations.ts';
import { API, configure, focused, gate, getPart, part, parts, problem, serve, session, sessionHandler, text, waitForState, watchFirstPass, type Call } from './support.ts';

const RECS = `${API}/v1/stores/:store/recommendations`;
const EVENTS = `${API}/v1/stores/:store/recommendations/events`;
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig';
/** A 2:1 image: the card must still reserve its own (square) box for it. */
const IMAGE = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"><rect width="300" height="150" fill="#8a9"/></svg>')}`;
const TEAS = ['Gyokuro Premium', 'Hojicha Roasted Green Tea', 'Genmaicha', 'Matcha Uji Ceremonial Grade', 'Kukicha', 'Bancha', 'Tea Cups (set of 2)', 'Kyusu Teapot'];

function product(i: number, patch: Partial<RecommendedProduct> = {}): RecommendedProduct {
  return {
    id: `prd_${String(i).padStart(3, '0')}`,
    title: TEAS[i] ?? `Tea No. ${i + 1}`,
    url: `https://shop.example.jp/products/${i}`,
    image: IMAGE,
    price: 1200 + i * 100,
    currency: 'JPY',
    rating: { average: 4.5, count: 12 },
    ...patch,
  };
}

function recs(count: number, patch: Partial<Recommendations> = {}): Recommendations {
  return { productId: 'prd_sencha', source: 'co_purchase', products: Array.from({ length: count }, (_, i) => product(i)), ...patch };
}

function recsHandler(calls: Call[], reply: (call: Call, index: number) => Response | Promise<Response> = () => HttpResponse.json(recs(8))) {
  return http.get(RECS, async ({ request }) => {
    const call = { method: request.method, url: request.url, headers: request.headers, body: undefined };
    calls.push(call);
    return reply(call, calls.length - 1);
  });
}

interface Post extends Call {
  body: { events: Array<Record<string, unknown>> };
}

function eventsHandler(posts: Post[], reply: (index: number) => Response | Promise<Response> = () => HttpResponse.json({ accepted: 1, dropped: 0 }, { status: 202 })) {
  return http.post(EVENTS, async ({ request }) => {
    posts.push({ method: request.method, url: request.url, headers: request.headers, body: (await request.json()) as Post['body'] });
    return reply(posts.length - 1);
  });
}

/** waitUntil with room for a loaded machine. */
function waitUntil(condition: () => unknown, message: string, timeout = 5000): Promise<void> {
  return waitUntilQuickly(condition, message, { timeout, interval: 10 });
}

/** Every element in the widget's shadow root. */
const nodes = (el: Element): number => el.shadowRoot!.querySelectorAll('*').length;
const track = (el: Element): HTMLElement => el.shadowRoot!.querySelector<HTMLElement>('#track')!;
const slides = (el: Element): HTMLElement[] => parts(el, 'slide');
/** Indices of the slides that are not inert. */
const live = (el: Element): number[] => slides(el).flatMap((s, i) => (s.inert ? [] : [i]));

/** The page turning hidden (a tab switch, a navigation): what the widget recorded goes out. */
function hidePage(): void {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  try {
    document.dispatchEvent(new Event('visibilitychange'));
  } finally {
    delete (document as { visibilityState?: string }).visibilityState;
  }
}

let posts: Post[] = [];
let calls: Call[] = [];
const made: EncoreRecommendations[] = [];
const outboxes = new Set<Outbox>();

interface Setup {
  attrs?: string;
  reply?: (call: Call, index: number) => Response | Promise<Response>;
  before?: string;
  after?: string;
  token?: string;
  locale?: string;
  messages?: EncoreConfig['messages'];
}

/** A widget in a 600 px box, its reply served; returns once its data is on screen and measured. */
async function carousel({ attrs = 'product="prd_sencha"', reply, before = '', after = '', token, locale, messages }: Setup = {}, wait: 'data' | 'none' = 'data'): Promise<EncoreRecommendations> {
  serve(recsHandler(calls, reply));
  configure({ ...(token && { customerToken: token }), ...(locale && { locale }), ...(messages && { messages }) });
  const wrapper = await fixture<HTMLDivElement>(`<div style="inline-size: 600px">${before}<encore-recommendations ${attrs}></encore-recommendations>${after}</div>`);
  const el = wrapper.querySelector('encore-recommendations')!;
  made.push(el);
  outboxes.add(el.outbox);
  if (wait === 'data') {
    await waitForState(el, 'data');
    await waitUntil(() => live(el).length > 0 || slides(el).length === 0, 'no slide came into view');
  }
  return el;
}

describe('<encore-recommendations>', () => {
  before(() => emulateMedia({ reducedMotion: 'reduce' }));
  after(() => emulateMedia({ reducedMotion: 'no-preference' }));

  beforeEach(() => {
    posts = [];
    calls = [];
    serve(eventsHandler(posts));
  });

  // Before the harness resets the handlers: what the widgets recorded is delivered (or dropped) now,
  // so no batch from this test reaches the next one.
  afterEach(async () => {
    for (const el of made.splice(0)) el.remove();
    for (const box of outboxes) {
      await box.flush();
      box.close();
      for (const key of Object.keys(localStorage)) if (key.startsWith(box.key)) localStorage.removeItem(key);
    }
    outboxes.clear();
  });

  it('is accessible with its products on screen', async () => {
    const el = await carousel();
    await expect(el).to.be.accessible();
  });

  describe('loading', () => {
    it('shows a busy skeleton under the heading, exactly the height of the loaded carousel', async () => {
      const reply = gate();
      const el = await carousel({ reply: async () => (await reply.wait, HttpResponse.json(recs(8))) }, 'none');
      const skeleton = await waitUntil(() => part(el, 'skeleton'), 'no skeleton').then(() => getPart(el, 'skeleton'));
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(text(getPart(el, 'heading'))).to.equal('Customers who bought this also bought');
      expect(text(skeleton.querySelector('[role="status"]'))).to.equal('Loading…');
      expect(parts(el, 'slide')).to.have.length(0);
      await expect(el).to.be.accessible();
      const loading = el.getBoundingClientRect().height;

      reply.open();
      await waitForState(el, 'data');
      const loaded = el.getBoundingClientRect().height;
      console.log(`[encore] recommendations: skeleton ${loading}px, loaded ${loaded}px`);
      expect(loaded).to.be.above(200);
      expect(loaded).to.equal(loading);
    });

    it('lays out the slides, then the cards four a task (bones until then), moving nothing', async () => {
      serve(recsHandler(calls));
      configure();
      const el = document.createElement('encore-recommendations') as EncoreRecommendations;
      el.setAttribute('product', 'prd_sencha');
      made.push(el);
      outboxes.add(el.outbox);
      const look = () => slides(el).map((s) => `${s.getAttribute('part')}: ${s.querySelector('[part~="title"]') ? 'card' : `${s.querySelectorAll('.bone').length} bones`}`);
      const passes: { look: string[]; height: number }[] = [];
      el.addController({
        hostUpdated: () => {
          // Each look once: the track's own measuring re-renders without changing the slides.
          const now = look();
          if (now.length && now.join() !== passes.at(-1)?.look.join()) passes.push({ look: now, height: el.getBoundingClientRect().height });
        },
      });
      const pass = watchFirstPass(el, () => slides(el).length > 0);
      await waitForState(el, 'data');
      const bone = 'slide skeleton: 5 bones';
      expect(passes.map((p) => p.look)).to.deep.equal([
        Array<string>(8).fill(bone),
        [...Array<string>(4).fill('slide: card'), ...Array<string>(4).fill(bone)],
        Array<string>(8).fill('slide: card'),
      ]);
      expect(look()).to.deep.equal(Array<string>(8).fill('slide: card'));
      expect(
        passes.map((p) => p.height),
        'height',
      ).to.deep.equal([passes[0]!.height, passes[0]!.height, passes[0]!.height]);
      pass.unmoved();
    });
  });

  describe('products', () => {
    it('shows each product: image, title link, price in the store’s currency, rating, add to cart', async () => {
      const el = await carousel();
      const [first] = slides(el) as [HTMLElement];
      const image = first.querySelector<HTMLImageElement>('[part~="image"]')!;
      expect(image.getAttribute('alt')).to.equal('');
      expect(image.getAttribute('loading')).to.equal('lazy');
      expect([image.getAttribute('width'), image.getAttribute('height')]).to.deep.equal(['240', '240']);
      expect(image.getAttribute('src')).to.equal(IMAGE);
      const title = first.querySelector<HTMLAnchorElement>('[part~="title"]')!;
      expect(title.localName).to.equal('a');
      expect(text(title)).to.equal('Gyokuro Premium');
      expect(title.getAttribute('href')).to.equal('https://shop.example.jp/products/0');
      expect(text(first.querySelector('[part~="price"]'))).to.equal('¥1,200');
      const rating = first.querySelector<HTMLElement>('[part~="rating"]')!;
      // Announced once, as text: the stars and the short form are hidden from assistive technology.
      expect(text(rating.querySelector('.visually-hidden'))).to.equal('Rated 4.5 out of 5, 12 reviews');
      const shown = Array.from(rating.children).filter((c) => !c.matches('.visually-hidden'));
      expect(shown.map((c) => c.getAttribute('aria-hidden'))).to.deep.equal(['true', 'true']);
      expect(text(shown[1])).to.equal('4.5 (12)');
      const add = first.querySelector<HTMLButtonElement>('[part~="add-to-cart-button"]')!;
      expect(text(add)).to.equal('Add to cart: Gyokuro Premium');
      expect(add.type).to.equal('button');
    });

    it('formats money in each product’s currency and says when a product has no reviews', async () => {
      const list = recs(2);
      list.products[0] = product(0, { price: 2450, currency: 'USD', rating: { average: 0, count: 0 } });
      list.products[1] = product(1, { rating: { average: 5, count: 1 } });
      const el = await carousel({ reply: () => HttpResponse.json(list) });
      const [a, b] = slides(el) as [HTMLElement, HTMLElement];
      expect(text(a.querySelector('[part~="price"]'))).to.equal('$24.50');
      expect(text(a.querySelector('[part~="rating"]'))).to.equal('No reviews yet');
      expect(a.querySelector('.stars')).to.equal(null);
      expect(text(b.querySelector('[part~="rating"] .visually-hidden'))).to.equal('Rated 5.0 out of 5, 1 review');
    });

    it('renders text from the server as text, and no script URL as a link', async () => {
      const list = recs(1);
      list.products[0] = product(0, { title: '<img src=x onerror="window.__encorePwned = true">Sencha', url: 'javascript:window.__encorePwned = true' });
      const el = await carousel({ reply: () => HttpResponse.json(list) });
      await aTimeout(50);
      const title = getPart(el, 'title');
      expect(text(title)).to.equal('<img src=x onerror="window.__encorePwned = true">Sencha');
      expect(title.hasAttribute('href')).to.equal(false);
      expect(el.shadowRoot!.querySelectorAll('img')).to.have.length(1);
      expect((window as unknown as { __encorePwned?: boolean }).__encorePwned).to.equal(undefined);
    });

    it('keeps relative product links', async () => {
      const list = recs(1);
      list.products[0] = product(0, { url: '/products/sencha' });
      const el = await carousel({ reply: () => HttpResponse.json(list) });
      expect(getPart(el, 'title').getAttribute('href')).to.equal('/products/sencha');
    });
  });

  describe('the WAI-ARIA carousel pattern', () => {
    it('is a region named by its heading, with a role description, and slides named "n of m"', async () => {
      const el = await carousel();
      const base = getPart(el, 'base');
      expect(base.localName).to.equal('section');
      expect(base.getAttribute('aria-roledescription')).to.equal('carousel');
      const heading = el.shadowRoot!.getElementById(base.getAttribute('aria-labelledby')!)!;
      expect(heading.localName).to.equal('h2');
      expect(text(heading)).to.equal('Customers who bought this also bought');
      const all = slides(el);
      expect(all).to.have.length(8);
      all.forEach((slide, i) => {
        expect(slide.getAttribute('role')).to.equal('group');
        expect(slide.getAttribute('aria-roledescription')).to.equal('slide');
        expect(slide.getAttribute('aria-label')).to.equal(`${i + 1} of 8`);
      });
      const prev = getPart(el, 'prev-button');
      const next = getPart(el, 'next-button');
      expect(prev.getAttribute('aria-label')).to.equal('Previous products');
      expect(next.getAttribute('aria-label')).to.equal('Next products');
      expect(prev.getAttribute('aria-controls')).to.equal('track');
      expect(next.getAttribute('aria-controls')).to.equal('track');
      for (const button of [prev, next]) {
        const box = button.getBoundingClientRect();
        expect(box.width).to.be.at.least(24);
        expect(box.height).to.be.at.least(24);
      }
    });

    it('scroll-snaps natively (swipe, trackpad) and never moves by itself', async () => {
      const el = await carousel();
      const style = getComputedStyle(track(el));
      expect(style.overflowX).to.equal('auto');
      expect(style.scrollSnapType).to.equal('x mandatory');
      expect(getComputedStyle(slides(el)[0]!).scrollSnapAlign).to.equal('start');
      await aTimeout(1200);
      expect(track(el).scrollLeft).to.equal(0);
      expect(live(el)).to.deep.equal([0, 1, 2]);
    });

    it('scrolls smoothly, and instantly when the shopper prefers reduced motion', async () => {
      const el = await carousel();
      expect(getComputedStyle(track(el)).scrollBehavior).to.equal('auto');
      await emulateMedia({ reducedMotion: 'no-preference' });
      try {
        expect(getComputedStyle(track(el)).scrollBehavior).to.equal('smooth');
        getPart(el, 'next-button').click();
        await waitUntil(() => track(el).scrollLeft === 564, 'the smooth scroll did not arrive');
        await waitUntil(() => live(el).join() === '3,4,5', 'slides 4–6 did not come into view');
      } finally {
        await emulateMedia({ reducedMotion: 'reduce' });
      }
    });

    it('previous/next move by a page of slides and are disabled at the ends, focus staying on them', async () => {
      const el = await carousel({ before: '<button id="before">before</button>' });
      const prev = getPart(el, 'prev-button');
      const next = getPart(el, 'next-button');
      expect(prev.getAttribute('aria-disabled')).to.equal('true');
      expect(next.getAttribute('aria-disabled')).to.equal('false');

      document.getElementById('before')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(prev); // aria-disabled, not disabled: it keeps its place in the tab order
      await sendKeys({ press: 'Enter' });
      await aTimeout(100);
      expect(track(el).scrollLeft).to.equal(0);

      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(next);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => live(el).join() === '3,4,5', 'slides 4–6 did not come into view');
      expect(track(el).scrollLeft).to.equal(3 * 188);
      expect(focused(el)).to.equal(next);
      expect(prev.getAttribute('aria-disabled')).to.equal('false');
      expect(track(el).getAttribute('aria-live')).to.equal('polite');

      await sendKeys({ press: ' ' });
      await waitUntil(() => live(el).join() === '5,6,7', 'the last slides did not come into view');
      await waitUntil(() => next.getAttribute('aria-disabled') === 'true', 'next was not disabled at the end');
      expect(focused(el)).to.equal(next);
      await sendKeys({ press: 'Enter' });
      await aTimeout(100);
      expect(live(el)).to.deep.equal([5, 6, 7]);

      prev.click();
      await waitUntil(() => live(el).join() === '2,3,4', 'previous did not go back a page');
      prev.click();
      await waitUntil(() => prev.getAttribute('aria-disabled') === 'true', 'previous was not disabled at the start');
      await waitUntil(() => live(el).join() === '0,1,2', 'the first slides did not come back into view');
      expect(next.getAttribute('aria-disabled')).to.equal('false');
    });

    it('hides previous/next when every product fits', async () => {
      const el = await carousel({ reply: () => HttpResponse.json(recs(2)) });
      await aTimeout(50);
      expect(getPart(el, 'prev-button').hidden).to.equal(true);
      expect(getPart(el, 'next-button').hidden).to.equal(true);
      expect(getPart(el, 'prev-button').getBoundingClientRect().width).to.equal(0);
      expect(live(el)).to.deep.equal([0, 1]);
    });

    it('Tab reaches only the slides in view: nothing hidden takes focus', async () => {
      const el = await carousel({ before: '<button id="before">before</button>', after: '<button id="after">after</button>' });
      const box = track(el).getBoundingClientRect();
      const seen: string[] = [];
      document.getElementById('before')!.focus();
      for (let i = 0; i < 12; i++) {
        await sendKeys({ press: 'Tab' });
        if (document.activeElement?.id === 'after') break;
        const now = focused(el) as HTMLElement;
        const slide = now.closest<HTMLElement>('[part~="slide"]');
        if (slide) {
          expect(slide.inert).to.equal(false);
          const r = slide.getBoundingClientRect();
          expect(r.left).to.be.at.least(box.left - 1);
          expect(r.right).to.be.at.most(box.right + 1);
          seen.push(`${slide.getAttribute('aria-label')} ${now.part[0]}`);
        } else seen.push(now.part[0]!);
      }
      expect(document.activeElement?.id).to.equal('after');
      expect(seen).to.deep.equal([
        'prev-button',
        'next-button',
        '1 of 8 title',
        '1 of 8 add-to-cart-button',
        '2 of 8 title',
        '2 of 8 add-to-cart-button',
        '3 of 8 title',
        '3 of 8 add-to-cart-button',
      ]);
      // The sliver of slide 4 is inert, and so is everything after it.
      expect(slides(el).slice(3).every((s) => s.inert)).to.equal(true);

      // After "next", Tab goes on into the new page.
      getPart(el, 'next-button').focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => live(el).join() === '3,4,5', 'slides 4–6 did not come into view');
      await sendKeys({ press: 'Tab' });
      expect((focused(el) as HTMLElement).closest('[part~="slide"]')!.getAttribute('aria-label')).to.equal('4 of 8');
    });

    it('makes slides inert or not as the track scrolls (swipe, trackpad)', async () => {
      const el = await carousel();
      track(el).scrollLeft = 4 * 188;
      await waitUntil(() => live(el).join() === '4,5,6', `slides 5–7 did not come into view: ${live(el)}`);
      expect(slides(el).map((s) => s.inert)).to.deep.equal([true, true, true, true, false, false, false, true]);
      expect(getPart(el, 'prev-button').getAttribute('aria-disabled')).to.equal('false');
      track(el).scrollLeft = 0;
      await waitUntil(() => live(el).join() === '0,1,2', 'slides 1–3 did not come back into view');
    });

    it('arrow keys scroll the track slide by slide, focus following into view', async () => {
      const el = await carousel();
      const title = slides(el)[0]!.querySelector<HTMLElement>('[part~="title"]')!;
      title.focus();
      await sendKeys({ press: 'ArrowRight' });
      await waitUntil(() => live(el).join() === '1,2,3', `the track did not move on by a slide: ${live(el)}`);
      await waitUntil(() => focused(el)?.closest('[part~="slide"]')?.getAttribute('aria-label') === '2 of 8', 'focus did not follow into view');
      expect(focused(el)!.part.contains('title')).to.equal(true);
      await sendKeys({ press: 'ArrowLeft' });
      await waitUntil(() => live(el).join() === '0,1,2', 'the track did not move back');
    });

    it('moves focus along when the slide holding it scrolls out of view', async () => {
      const el = await carousel();
      const button = slides(el)[1]!.querySelector<HTMLElement>('[part~="add-to-cart-button"]')!;
      button.focus();
      track(el).scrollLeft = 5 * 188;
      await waitUntil(() => live(el).join() === '5,6,7', 'the last slides did not come into view');
      const end = track(el).scrollLeft;
      await waitUntil(() => focused(el)?.closest('[part~="slide"]')?.getAttribute('aria-label') === '6 of 8', 'focus did not follow');
      expect(focused(el)!.part.contains('add-to-cart-button')).to.equal(true);
      expect(track(el).scrollLeft).to.equal(end); // moving focus did not scroll
    });
  });

  describe('events for the storefront', () => {
    it('fires encore-add-to-cart with the product', async () => {
      const el = await carousel();
      const button = slides(el)[2]!.querySelector<HTMLButtonElement>('[part~="add-to-cart-button"]')!;
      button.focus();
      const fired = oneEvent(document, 'encore-add-to-cart') as Promise<CustomEvent<AddToCartDetail>>;
      await sendKeys({ press: 'Enter' });
      const event = await fired;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail).to.deep.equal({
        id: 'prd_002',
        title: 'Genmaicha',
        price: 1400,
        currency: 'JPY',
        url: 'https://shop.example.jp/products/2',
        image: IMAGE,
      });
    });

    it('fires encore-recommendation-click and reports the click at once', async () => {
      const el = await carousel();
      const stop = (e: Event) => e.preventDefault(); // stay on the test page
      document.addEventListener('click', stop);
      try {
        const fired = oneEvent(document, 'encore-recommendation-click') as Promise<CustomEvent<RecommendationClickDetail>>;
        slides(el)[1]!.querySelector<HTMLElement>('[part~="title"]')!.click();
        const event = await fired;
        expect(event.bubbles).to.equal(true);
        expect(event.composed).to.equal(true);
        expect(event.detail).to.deep.equal({ productId: 'prd_001', position: 1, sourceProductId: 'prd_sencha' });
        await waitUntil(() => posts.some((p) => p.body.events.some((e) => e.kind === 'click')), 'the click was not reported');
        const click = posts.flatMap((p) => p.body.events).find((e) => e.kind === 'click')!;
        expect(click).to.include({ kind: 'click', productId: 'prd_001', position: 1, sourceProductId: 'prd_sencha' });
        expect(click['visitorId']).to.match(/^[A-Za-z0-9_-]{8,64}$/);
      } finally {
        document.removeEventListener('click', stop);
      }
    });

    it('a click on the image opens the product too (one link per card)', async () => {
      const el = await carousel();
      const stop = (e: Event) => e.preventDefault();
      document.addEventListener('click', stop);
      try {
        const fired = oneEvent(document, 'encore-recommendation-click') as Promise<CustomEvent<RecommendationClickDetail>>;
        const image = slides(el)[0]!.querySelector('[part~="image"]')!.getBoundingClientRect();
        const hit = el.shadowRoot!.elementFromPoint(image.left + image.width / 2, image.top + image.height / 2);
        expect(hit?.matches('[part~="title"]')).to.equal(true);
        (hit as HTMLElement).click();
        expect((await fired).detail.productId).to.equal('prd_000');
        expect(slides(el)[0]!.querySelectorAll('a')).to.have.length(1);
      } finally {
        document.removeEventListener('click', stop);
      }
    });
  });

  describe('impressions and clicks, batched through the outbox', () => {
    it('reports only the slides really seen, in one batch with an Idempotency-Key', async () => {
      const el = await carousel();
      await aTimeout(800);
      expect(posts).to.have.length(0); // batched, not sent one by one
      hidePage();
      await waitUntil(() => posts.length === 1, 'no batch was sent when the page was hidden');
      const [batch] = posts as [Post];
      expect(batch.headers.get('Idempotency-Key')).to.match(/^[\x21-\x7e]{16,255}$/);
      expect(new URL(batch.url).pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/recommendations\/events$/);
      const events = batch.body.events;
      // The fourth slide shows a 2 px sliver: not seen.
      expect(events.map((e) => [e['kind'], e['productId'], e['position'], e['sourceProductId']])).to.deep.equal([
        ['impression', 'prd_000', 0, 'prd_sencha'],
        ['impression', 'prd_001', 1, 'prd_sencha'],
        ['impression', 'prd_002', 2, 'prd_sencha'],
      ]);
      const visitor = localStorage.getItem('encore:visitor');
      expect(events.every((e) => e['visitorId'] === visitor)).to.equal(true);

      // The next page: three more, in a new batch under a new key; going back reports nothing again.
      getPart(el, 'next-button').click();
      await waitUntil(() => live(el).join() === '3,4,5', 'slides 4–6 did not come into view');
      await aTimeout(800);
      getPart(el, 'prev-button').click();
      await aTimeout(800);
      hidePage();
      await waitUntil(() => posts.length === 2, 'the second batch was not sent');
      expect(posts[1]!.body.events.map((e) => e['position'])).to.deep.equal([3, 4, 5]);
      expect(posts[1]!.headers.get('Idempotency-Key')).not.to.equal(batch.headers.get('Idempotency-Key'));
    });

    it('does not count slides that went by in less than half a second', async () => {
      const el = await carousel();
      await aTimeout(700);
      track(el).scrollLeft = 3 * 188;
      await aTimeout(150);
      track(el).scrollLeft = 5 * 188;
      await waitUntil(() => live(el).join() === '5,6,7', 'the last slides did not come into view');
      await aTimeout(700);
      hidePage();
      await waitUntil(() => posts.length === 1, 'no batch was sent');
      expect(posts[0]!.body.events.map((e) => e['position'])).to.deep.equal([0, 1, 2, 5, 6, 7]);
    });

    it('counts nothing while the carousel is below the fold, even once loaded', async () => {
      const el = await carousel({ before: `<div style="block-size: ${innerHeight + 200}px"></div>` }, 'none');
      await waitForState(el, 'data'); // near enough to load (800 px), not on screen
      await aTimeout(800);
      hidePage();
      await aTimeout(100);
      expect(posts).to.have.length(0);

      el.scrollIntoView();
      await aTimeout(800);
      hidePage();
      await waitUntil(() => posts.length === 1, 'no batch after the carousel came on screen');
      expect(posts[0]!.body.events.map((e) => e['position'])).to.deep.equal([0, 1, 2]);
      scrollTo(0, 0);
    });

    it('sends what it recorded when it leaves the page', async () => {
      const el = await carousel();
      await aTimeout(700);
      expect(posts).to.have.length(0);
      el.remove();
      await waitUntil(() => posts.length === 1, 'nothing was sent on removal');
      expect(posts[0]!.body.events).to.have.length(3);
    });

    it('sends a batch on its own after a few seconds', async function () {
      this.timeout(15_000);
      await carousel();
      await aTimeout(1000);
      expect(posts).to.have.length(0);
      await waitUntil(() => posts.length === 1, 'the batch was not sent on its own', 8000);
      expect(posts[0]!.body.events).to.have.length(3);
    });

    it('sends at most 100 events a batch', async () => {
      const el = await carousel();
      const button = slides(el)[0]!.querySelector<HTMLButtonElement>('[part~="add-to-cart-button"]')!;
      for (let i = 0; i < 101; i++) button.click();
      await waitUntil(() => posts.length === 1, 'a full batch was not sent at once');
      expect(posts[0]!.body.events).to.have.length(100);
      expect(posts[0]!.body.events.every((e) => e['kind'] === 'click' && e['productId'] === 'prd_000' && e['position'] === 0)).to.equal(true);
      await aTimeout(700);
      hidePage();
      await waitUntil(() => posts.length === 2, 'the rest was not sent');
      const rest = posts[1]!.body.events;
      expect(rest.filter((e) => e['kind'] === 'click')).to.have.length(1);
      expect(rest.filter((e) => e['kind'] === 'impression')).to.have.length(3);
    });

    it('keeps a batch through a failed send and delivers it once, under one key', async () => {
      serve(eventsHandler(posts, (i) => (i < 2 ? HttpResponse.error() : HttpResponse.json({ accepted: 3, dropped: 0 }, { status: 202 }))));
      const el = await carousel();
      await aTimeout(700);
      const stored = () => Object.keys(localStorage).filter((key) => key.startsWith(el.outbox.key));
      hidePage();
      await waitUntil(() => posts.length >= 1, 'the batch was not sent');
      expect(stored()).to.have.length(1); // kept while the network fails
      await waitUntil(() => posts.length >= 3 && stored().length === 0, 'the batch was not delivered after the failure', 8000);
      // The client retried once by itself, then the outbox tried again later: one key throughout.
      expect(new Set(posts.map((p) => p.headers.get('Idempotency-Key'))).size).to.equal(1);
      await aTimeout(300);
      expect(posts.filter((p) => p.headers.get('Idempotency-Key')).length).to.equal(posts.length);
      const delivered = posts.length;
      el.outbox.flush();
      await aTimeout(200);
      expect(posts).to.have.length(delivered); // nothing is sent again
    });
  });

  describe('the request', () => {
    it('asks for the product, limit and exclusions (the cart), as a guest', async () => {
      const el = await carousel({ attrs: 'product="prd_sencha" limit="12" exclude=" prd_cart1, prd_cart2,,prd_cart1"' });
      expect(calls).to.have.length(1);
      const url = new URL(calls[0]!.url);
      expect(url.pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/recommendations$/);
      expect(Object.fromEntries(url.searchParams)).to.deep.equal({ product: 'prd_sencha', limit: '12', exclude: 'prd_cart1,prd_cart2' });
      expect(calls[0]!.headers.has('Authorization')).to.equal(false);

      // The storefront adds to the cart: the list is asked for again without it.
      el.setAttribute('exclude', 'prd_cart1,prd_cart2,prd_001');
      await waitUntil(() => calls.length === 2, 'the list was not asked for again');
      expect(new URL(calls[1]!.url).searchParams.get('exclude')).to.equal('prd_cart1,prd_cart2,prd_001');
    });

    it('sends at most 50 exclusions, and drops ids the server would refuse', async () => {
      const ids = Array.from({ length: 60 }, (_, i) => `prd_c${i}`);
      await carousel({ attrs: `product="prd_sencha" exclude="${'x'.repeat(129)},${ids.join(',')}"` });
      expect(new URL(calls[0]!.url).searchParams.get('exclude')).to.equal(ids.slice(0, 50).join(','));
    });

    it('sends the shopper’s token when signed in', async () => {
      await carousel({ token: TOKEN });
      expect(calls[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
    });

    for (const [limit, sent] of [['0', '8'], ['25', '8'], ['abc', '8'], ['', '8'], ['2.5', '8'], ['-3', '8'], ['1', '1'], ['24', '24']]) {
      it(`asks for ${sent} products when limit="${limit}"`, async () => {
        await carousel({ attrs: `product="prd_sencha" limit="${limit}"` });
        expect(new URL(calls[0]!.url).searchParams.get('limit')).to.equal(sent);
      });
    }

    it('works without a product: no product asked, and a heading that does not claim one', async () => {
      const el = await carousel({ attrs: '', reply: () => HttpResponse.json(recs(4, { productId: null, source: 'best_sellers' })) });
      const url = new URL(calls[0]!.url);
      expect(url.searchParams.has('product')).to.equal(false);
      expect(url.searchParams.has('exclude')).to.equal(false);
      expect(text(getPart(el, 'heading'))).to.equal('You may also like');
      await aTimeout(700);
      hidePage();
      await waitUntil(() => posts.length === 1, 'no batch');
      expect(posts[0]!.body.events.every((e) => !('sourceProductId' in e))).to.equal(true);
    });

    it('takes the heading from the heading attribute or slot', async () => {
      const a = await carousel({ attrs: 'product="prd_sencha" heading="Pairs well with"' });
      expect(text(getPart(a, 'heading'))).to.equal('Pairs well with');
      const b = await carousel({ attrs: 'product="prd_sencha"><span slot="heading">Complete the set</span' });
      const slot = getPart(b, 'heading').querySelector('slot')!;
      expect(slot.assignedNodes().map((n) => n.textContent)).to.deep.equal(['Complete the set']);
      await expect(b).to.be.accessible();
    });
  });

  describe('empty', () => {
    it('hides itself, heading and all, when there is nothing to recommend', async () => {
      const el = await carousel({ reply: () => HttpResponse.json(recs(0)) }, 'none');
      await waitUntil(() => part(el, 'empty'), 'no empty state');
      expect(el.hidden).to.equal(true);
      expect(el.getBoundingClientRect().height).to.equal(0);
      expect(part(el, 'heading')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('shows the merchant’s fallback instead', async () => {
      const el = await carousel({ reply: () => HttpResponse.json(recs(0)), attrs: 'product="prd_sencha"><p slot="fallback">See our <a href="/best-sellers">best sellers</a>.</p' }, 'none');
      await waitUntil(() => part(el, 'empty'), 'no empty state');
      expect(el.hidden).to.equal(false);
      const slot = getPart(el, 'empty').querySelector('slot')!;
      expect(text(slot.assignedElements()[0])).to.equal('See our best sellers.');
      expect(el.getBoundingClientRect().height).to.be.above(20);
      expect(part(el, 'heading')).to.equal(null);
      await expect(el).to.be.accessible();
    });
  });

  describe('faults (SPEC §4): a clear message and a retry that works', () => {
    const wrong = (patch: Record<string, unknown>) => () => HttpResponse.json({ ...recs(8), ...patch });
    const cases: Array<{ name: string; fail: () => Response | Promise<Response>; message: string; timeout?: number; token?: string }> = [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.' },
      { name: 'a 500', fail: () => problem(500, 'internal', 'Internal Server Error'), message: 'Something went wrong on our side.' },
      { name: 'a timeout', fail: async () => (await delay(3000), HttpResponse.json(recs(8))), message: 'The rewards service took too long to answer.', timeout: 1000 },
      { name: 'malformed JSON', fail: () => new HttpResponse('{"products": [{"id": "prd', { headers: { 'Content-Type': 'application/json' } }), message: 'Something went wrong on our side.' },
      { name: 'a reply without products', fail: () => HttpResponse.json({ productId: null, source: 'co_purchase' }), message: 'Something went wrong on our side.' },
      { name: 'a price that is a string', fail: wrong({ products: [{ ...product(0), price: '1200' }] }), message: 'Something went wrong on our side.' },
      { name: 'a 400 (a product id too long)', fail: () => problem(400, 'validation_failed'), message: 'Something went wrong.' },
      { name: 'a rejected token (401)', fail: () => problem(401, 'token_invalid'), message: 'Your sign-in has expired. Reload the page to sign in again.', token: TOKEN },
    ];
    for (const { name, fail, message, timeout, token } of cases) {
      it(`recovers from ${name}`, async () => {
        let failing = true;
        serve(recsHandler(calls, () => (failing ? fail() : HttpResponse.json(recs(8)))));
        configure({ retries: 0, ...(timeout && { timeout }), ...(token && { customerToken: token }) });
        const wrapper = await fixture<HTMLDivElement>(`<div style="inline-size: 600px"><encore-recommendations product="prd_sencha"></encore-recommendations></div>`);
        const el = wrapper.querySelector('encore-recommendations')!;
        made.push(el);
        outboxes.add(el.outbox);
        await waitForState(el, 'error');
        const error = getPart(el, 'error');
        expect(text(error)).to.equal(message);
        expect(error.getAttribute('role')).to.equal('alert');
        const retry = getPart<HTMLButtonElement>(el, 'retry-button');
        expect(text(retry)).to.equal('Try again');
        failing = false;
        retry.click();
        await waitForState(el, 'data');
        expect(slides(el)).to.have.length(8);
      });
    }

    it('is accessible in the error state', async () => {
      const el = await carousel({ reply: () => problem(503, 'internal') }, 'none');
      await waitForState(el, 'error', 8000);
      await expect(el).to.be.accessible();
    });
  });

  describe('locale', () => {
    it('speaks Japanese: heading, slides, buttons, price and rating', async () => {
      const el = await carousel({ locale: 'ja' });
      expect(text(getPart(el, 'heading'))).to.equal('この商品を買った人はこんな商品も買っています');
      expect(getPart(el, 'base').getAttribute('lang')).to.equal('ja');
      expect(getPart(el, 'base').getAttribute('aria-roledescription')).to.equal('カルーセル');
      expect(slides(el)[0]!.getAttribute('aria-roledescription')).to.equal('スライド');
      expect(slides(el)[0]!.getAttribute('aria-label')).to.equal('8件中1件目');
      expect(getPart(el, 'prev-button').getAttribute('aria-label')).to.equal('前の商品');
      expect(getPart(el, 'next-button').getAttribute('aria-label')).to.equal('次の商品');
      expect(text(getPart(el, 'price'))).to.match(/^[¥￥]1,200$/);
      expect(text(getPart(el, 'rating').querySelector('.visually-hidden'))).to.equal('5段階中4.5、レビュー12件');
      expect(text(getPart(el, 'add-to-cart-button'))).to.equal('カートに追加: Gyokuro Premium');
      await expect(el).to.be.accessible();
    });

    it('follows the locale attribute and the page’s lang, and the merchant’s words', async () => {
      const a = await carousel({ attrs: 'product="prd_sencha" locale="ja"' });
      expect(text(getPart(a, 'heading'))).to.equal('この商品を買った人はこんな商品も買っています');
      const lang = document.documentElement.lang;
      document.documentElement.lang = 'ja-JP';
      try {
        const b = await carousel({ attrs: '' });
        expect(text(getPart(b, 'heading'))).to.equal('おすすめの商品');
        expect(text(getPart(b, 'add-to-cart-button'))).to.contain('カートに追加');
      } finally {
        document.documentElement.lang = lang;
      }
      const c = await carousel({ messages: { en: { 'rec.heading': 'Goes well with', 'rec.add': 'Add to bag' } } });
      expect(text(getPart(c, 'heading'))).to.equal('Goes well with');
      expect(text(getPart(c, 'add-to-cart-button'))).to.equal('Add to bag: Gyokuro Premium');
    });

    it('takes the store’s words from the server once another widget on the page has read the session', async () => {
      const el = await carousel();
      expect(text(getPart(el, 'heading'))).to.equal('Customers who bought this also bought');
      // It reads no session itself: a widget beside it (points balance, say) does, on the same client.
      serve(sessionHandler([], () => HttpResponse.json(session(null, { store: { messages: { en: { 'rec.heading': 'Goes well with' } } } }))));
      await pageSession(el.client);
      el.requestUpdate();
      await el.updateComplete;
      expect(text(getPart(el, 'heading'))).to.equal('Goes well with');
    });
  });

  describe('from 1 to 200 products', () => {
    for (const count of [1, 8, 200]) {
      it(`${count}: the skeleton’s height, a bounded DOM, images that shift nothing`, async () => {
        const reply = gate();
        const el = await carousel({ reply: async () => (await reply.wait, HttpResponse.json(recs(count))) }, 'none');
        await waitUntil(() => part(el, 'skeleton'), 'no skeleton');
        const loading = el.getBoundingClientRect().height;
        // The cost of each update (Lit's render and DOM commit; in Lit's dev mode, which is slower than the build).
        const updates: number[] = [];
        const widget = el as unknown as { update(changed: unknown): void };
        const update = widget.update.bind(el);
        widget.update = (changed) => {
          const start = performance.now();
          update(changed);
          updates.push(performance.now() - start);
        };
        reply.open();
        await waitForState(el, 'data');
        const first = updates.at(-1)!;
        const loaded = el.getBoundingClientRect().height;
        await waitUntil(() => live(el).length > 0, 'no slide came into view');
        // What each change of view costs: a render of every slide (shells and all).
        updates.length = 0;
        el.requestUpdate();
        await el.updateComplete;
        const rerender = updates[0]!;
        // Images (2:1 here) arrive into the square boxes reserved for them.
        await waitUntil(() => parts<HTMLImageElement>(el, 'image').every((img) => img.complete), 'images did not load');
        const withImages = el.getBoundingClientRect().height;
        const withContent = parts(el, 'image').length;
        const perCard = slides(el)[0]!.querySelectorAll('*').length + 1;
        console.log(
          `[encore] recommendations ×${count}: ${nodes(el)} shadow elements (${withContent} slides with content, ${perCard} elements a card, ` +
            `~${count * perCard + 11} if every slide had its content); first render ${first.toFixed(1)} ms, ` +
            `a re-render (each change of view) ${rerender.toFixed(1)} ms; height skeleton ${loading}px, loaded ${loaded}px, with images ${withImages}px`,
        );
        expect(loaded).to.equal(loading);
        expect(withImages).to.equal(loaded);
        expect(slides(el)).to.have.length(count);
        // Content for the slides in view and a few either side, whatever the length; an empty shell for the rest.
        expect(withContent).to.be.at.most(Math.min(count, 16));
        expect(nodes(el)).to.be.below(30 + count + 16 * perCard);
        await expect(el).to.be.accessible();
      });
    }

    it('200: content follows the view as the track scrolls, far along it', async () => {
      const el = await carousel({ reply: () => HttpResponse.json(recs(200)) });
      track(el).scrollLeft = 150 * 188;
      await waitUntil(() => live(el).join() === '150,151,152', `slides 151–153 did not come into view: ${live(el)}`);
      await el.updateComplete;
      const filled = slides(el).flatMap((s, i) => (s.querySelector('[part~="title"]') ? [i] : []));
      // In view 150–152, and a view's worth (at least four) either side.
      expect(filled[0]).to.equal(146);
      expect(filled.at(-1)).to.equal(156);
      expect(text(slides(el)[150]!.querySelector('[part~="title"]'))).to.equal('Tea No. 151');
      expect(slides(el)[150]!.getAttribute('aria-label')).to.equal('151 of 200');
      expect(track(el).scrollLeft).to.equal(150 * 188);
    });
  });

  it('registers once: defining the tag again does not throw', async () => {
    const { define } = await import('../../src/core/define.ts');
    expect(() => define('encore-recommendations', EncoreRecommendations)).not.to.throw();
    expect(customElements.get('encore-recommendations')).to.equal(EncoreRecommendations);
  });
});
