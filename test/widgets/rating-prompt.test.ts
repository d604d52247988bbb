/**
 * <encore-rating-prompt>: every state, the WAI-ARIA radio pattern with real key presses, accessible
 * names, both locales, the faults of SPEC §4, and the outbox path (one POST per submission under
 * one Idempotency-Key, kept across a failed send and a reload, delivered once).
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil as waitUntilQuickly } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { delay, http, HttpResponse } from 'msw';
import type { PendingReviews, ReviewsCreated } from '../../contract/types.ts';
import type { Outbox } from '../../src/core/outbox.ts';
import { EncoreRatingPrompt } from '../../src/widgets/rating-prompt/define.ts';
import type { RatingSubmitDetail } from '../../src/widgets/rating-prompt/rating-prompt.ts';
import { API, configure as configureEncore, focused, gate, getPart, member, part, parts, problem, serve, session, sessionHandler, text, waitForPart, waitForState, watchFirstPass, widgetText, type Call } from './support.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig';
const ORDER_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRfMTAwMSJ9.sig';
const PENDING = `${API}/v1/stores/:store/reviews/pending`;
const REVIEWS = `${API}/v1/stores/:store/reviews`;

const sencha = { productId: 'prd_sencha', title: 'Sencha Green Tea', url: 'https://shop.example.jp/products/sencha', image: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' };
const kettle = { productId: 'prd_kettle', title: 'Tetsubin Kettle', url: null, image: null };

function pending(patch: Partial<PendingReviews> = {}): PendingReviews {
  return { orderId: 'ord_1001', items: [sencha, kettle], pointsPerReview: 50, ...patch };
}

function created(products: string[], pointsEarned = 50 * products.length): ReviewsCreated {
  return {
    reviews: products.map((productId, i) => ({ id: `rev_${i}`, productId, rating: 5, verified: true, createdAt: '2025-11-20T09:30:00.000Z' })),
    pointsEarned,
    balance: 1940,
  };
}

type Reply = (call: Call, index: number) => Response | Promise<Response>;

function record(calls: Call[], request: Request, body: unknown): Call {
  const call = { method: request.method, url: request.url, headers: request.headers, body };
  calls.push(call);
  return call;
}

function pendingHandler(calls: Call[] = [], reply: Reply = () => HttpResponse.json(pending())) {
  return http.get(PENDING, ({ request }) => reply(record(calls, request, undefined), calls.length - 1));
}

function reviewsHandler(calls: Call[] = [], reply: Reply = (call) => HttpResponse.json(created((call.body as { items: Array<{ product: string }> }).items.map((i) => i.product)), { status: 201 })) {
  return http.post(REVIEWS, async ({ request }) => {
    const body = await request.json();
    return reply(record(calls, request, body), calls.length - 1);
  });
}

/** waitUntil with room for a loaded machine. */
function waitUntil(condition: () => unknown, message: string): Promise<void> {
  return waitUntilQuickly(condition, message, { timeout: 5000, interval: 10 });
}

async function prompt(template = html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`): Promise<EncoreRatingPrompt> {
  const el = await fixture<EncoreRatingPrompt>(template);
  await waitForState(el, 'data');
  return el;
}

/** A signed-in shopper's prompt for order ord_1001 with its items on screen. */
async function signedIn(calls: Call[] = [], reply?: Reply): Promise<EncoreRatingPrompt> {
  serve(pendingHandler(calls, reply));
  configure({ customerToken: TOKEN });
  return prompt();
}

/** The star inputs of the n-th item. */
function stars(el: Element, item = 0): HTMLInputElement[] {
  return Array.from(parts(el, 'item')[item]!.querySelectorAll<HTMLInputElement>('input[type="radio"]'));
}

/** The visible label of the focused star, e.g. "3 stars". */
function focusedStar(el: Element): string {
  const node = focused(el);
  return node instanceof HTMLInputElement && node.type === 'radio' ? text(node.closest('label')) : `not a star: ${node?.localName}`;
}

function checked(el: Element, item = 0): number {
  return stars(el, item).findIndex((s) => s.checked) + 1;
}

function lit(el: Element, item = 0): number {
  return parts(el, 'item')[item]!.querySelectorAll('[part~="star--on"]').length;
}

/** Clicks the star with this value in the n-th item, as a shopper does. */
async function rate(el: EncoreRatingPrompt, item: number, value: number): Promise<void> {
  stars(el, item)[value - 1]!.click();
  await el.updateComplete;
}

async function typeReview(el: EncoreRatingPrompt, item: number, value: string): Promise<void> {
  const area = parts<HTMLTextAreaElement>(el, 'item')[item]!.querySelector<HTMLTextAreaElement>('[part~="review"]')!;
  area.focus();
  await sendKeys({ type: value });
}

async function shiftTab(): Promise<void> {
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ up: 'Shift' });
}

/** The stores this test configured (each test has its own), so cleanup and checks touch only its own outbox. */
const used = new Set<string>();
function configure(patch: Parameters<typeof configureEncore>[0] = {}): ReturnType<typeof configureEncore> {
  const config = configureEncore(patch);
  used.add(`encore:outbox:v1:${encodeURIComponent(config.store)}:`);
  return config;
}

function ownKeys(): string[] {
  return Object.keys(localStorage).filter((key) => [...used].some((prefix) => key.startsWith(prefix)));
}

function outboxes(): Map<string, Outbox> {
  return ((globalThis as unknown as Record<symbol, Map<string, Outbox>>)[Symbol.for('encore.outboxes')] ??= new Map());
}

/**
 * What a closed page leaves: its outboxes stop (entries stay in storage). A send already under
 * way still ends (it cannot in a real reload): wait for it, holding each outbox's lock once.
 */
async function leavePage(): Promise<void> {
  const boxes = [...outboxes().values()];
  for (const box of boxes) box.close();
  await Promise.all(boxes.map((box) => navigator.locks.request(box.key, () => undefined)));
}

function storedRatings(): unknown[] {
  return ownKeys()
    .map((key) => JSON.parse(localStorage.getItem(key)!))
    .filter((entry) => entry.kind === 'rating');
}

describe('<encore-rating-prompt>', () => {
  /** The page's session reads of this test (with the customer token only; its newest order is none of these tests'). */
  let sessions: Call[] = [];
  beforeEach(() => serve(sessionHandler((sessions = []))));

  afterEach(async () => {
    await leavePage();
    for (const key of ownKeys()) localStorage.removeItem(key);
    used.clear();
  });

  it('is accessible with items to rate', async () => {
    const el = await signedIn();
    await expect(el).to.be.accessible();
  });

  describe('loading', () => {
    it('shows a busy skeleton that reserves the loaded card’s height', async () => {
      const reply = gate();
      serve(pendingHandler([], async () => (await reply.wait, HttpResponse.json(pending({ items: [sencha] })))));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);

      const skeleton = await waitForPart(el, 'skeleton');
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(widgetText(el)).to.equal('Loading…');
      expect(parts(el, 'item')).to.have.length(0);
      await expect(el).to.be.accessible();
      const loadingHeight = el.getBoundingClientRect().height;

      reply.open();
      await waitForState(el, 'data');
      const loadedHeight = el.getBoundingClientRect().height;
      console.log(`[encore] rating prompt: skeleton ${loadingHeight}px, loaded (one item) ${loadedHeight}px`);
      expect(Math.abs(loadedHeight - loadingHeight) / loadedHeight).to.be.below(0.05);
    });

    it('reads nothing while far below the fold', async () => {
      const calls: Call[] = [];
      serve(pendingHandler(calls));
      configure({ customerToken: TOKEN });
      const wrapper = await fixture(html`<div><div style="block-size: 5000px"></div><encore-rating-prompt order="ord_1001"></encore-rating-prompt></div>`);
      const el = wrapper.querySelector('encore-rating-prompt')!;
      await aTimeout(150);
      expect(calls).to.have.length(0);
      expect(part(el, 'skeleton')).not.to.equal(null);
      el.scrollIntoView();
      await waitForState(el, 'data');
      expect(calls).to.have.length(1);
      scrollTo(0, 0);
    });
  });

  describe('items', () => {
    it('shows each pending item with its image, title and five stars, and the points per review', async () => {
      const calls: Call[] = [];
      const el = await signedIn(calls);

      expect(calls).to.have.length(1);
      const url = new URL(calls[0]!.url);
      expect(url.pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/reviews\/pending$/);
      expect(url.searchParams.get('order')).to.equal('ord_1001');
      expect(calls[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);

      expect(text(getPart(el, 'base').querySelector('h2'))).to.equal('Rate your purchase');
      expect(widgetText(el)).to.contain('Earn 50 points per review.');
      const items = parts(el, 'item');
      expect(items.map((item) => text(item.querySelector('.name')))).to.deep.equal(['Sencha Green Tea', 'Tetsubin Kettle']);
      const img = items[0]!.querySelector('img')!;
      expect(img.getAttribute('src')).to.equal(sencha.image);
      expect(img.getAttribute('alt')).to.equal('');
      expect(items[1]!.querySelector('img'), 'no image for a product without one').to.equal(null);
      expect(parts(el, 'star')).to.have.length(10);
      expect(stars(el, 0).every((s) => !s.checked)).to.equal(true);
      // The review box appears once a star is chosen.
      expect(parts(el, 'review')).to.have.length(0);
      const submit = getPart<HTMLButtonElement>(el, 'submit-button');
      expect(submit.disabled).to.equal(true);
      expect(text(submit)).to.equal('Submit');
    });

    it('adds the items after the first a task later, moving nothing it showed first', async () => {
      serve(pendingHandler());
      configure({ customerToken: TOKEN });
      const el = document.createElement('encore-rating-prompt') as EncoreRatingPrompt;
      el.setAttribute('order', 'ord_1001');
      const pass = watchFirstPass(el, () => part(el, 'item') !== null);
      try {
        await waitForState(el, 'data');
        expect(parts(el, 'item')).to.have.length(2);
        expect(pass.shown()).to.be.below(el.shadowRoot!.querySelectorAll('*').length);
        pass.unmoved();
      } finally {
        el.remove();
      }
    });

    it('names each group after its item and each star by its value', async () => {
      const el = await signedIn();
      const groups = el.shadowRoot!.querySelectorAll('[role="radiogroup"]');
      expect(Array.from(groups, (g) => g.getAttribute('aria-label'))).to.deep.equal(['Sencha Green Tea rating', 'Tetsubin Kettle rating']);
      // Each star is a native radio whose label holds its name; the drawn star is hidden from assistive technology.
      for (const group of groups) {
        const radios = Array.from(group.querySelectorAll<HTMLInputElement>('input[type="radio"]'));
        expect(radios.map((r) => text(r.labels![0]))).to.deep.equal(['1 star', '2 stars', '3 stars', '4 stars', '5 stars']);
        expect(group.querySelectorAll('svg:not([aria-hidden="true"])')).to.have.length(0);
        expect(new Set(radios.map((r) => r.name)).size, 'one radio group per item').to.equal(1);
      }
      expect(stars(el, 0)[0]!.name).not.to.equal(stars(el, 1)[0]!.name);

      await rate(el, 0, 4);
      const review = getPart<HTMLTextAreaElement>(el, 'review');
      expect(text(review.labels![0])).to.equal('Your review (optional)');
      const describedBy = el.shadowRoot!.getElementById(review.getAttribute('aria-describedby')!);
      expect(text(describedBy)).to.equal('Sencha Green Tea');
    });

    it('stars are at least 24×24 px and fill up to the chosen rating', async () => {
      const el = await signedIn();
      for (const star of parts(el, 'star')) {
        const box = star.getBoundingClientRect();
        expect(box.width).to.be.at.least(24);
        expect(box.height).to.be.at.least(24);
      }
      await rate(el, 0, 3);
      expect(lit(el, 0)).to.equal(3);
      expect(lit(el, 1)).to.equal(0);
      expect(checked(el, 0)).to.equal(3);
      expect(parts(el, 'review')).to.have.length(1);
      expect(getPart<HTMLTextAreaElement>(el, 'review').maxLength).to.equal(2000);
      expect(getPart<HTMLButtonElement>(el, 'submit-button').disabled).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('renders text from the server as text, never as HTML', async () => {
      const title = '<img src=x onerror="window.__encorePwned = true">Tea';
      const el = await signedIn([], () => HttpResponse.json(pending({ items: [{ ...kettle, title }] })));
      await aTimeout(50);
      expect(text(getPart(el, 'item').querySelector('.name'))).to.equal(title);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect((window as unknown as { __encorePwned?: boolean }).__encorePwned).to.equal(undefined);
    });
  });

  describe('keyboard (WAI-ARIA radio group pattern)', () => {
    it('Tab enters a group on its first star, arrows move and check with wrap-around, Tab leaves the group', async () => {
      const el = await signedIn();

      await sendKeys({ press: 'Tab' });
      expect(focusedStar(el)).to.equal('1 star');
      expect(checked(el, 0), 'focus alone checks nothing').to.equal(0);

      await sendKeys({ press: 'ArrowRight' });
      expect(focusedStar(el)).to.equal('2 stars');
      expect(checked(el, 0)).to.equal(2);
      await el.updateComplete;
      expect(lit(el, 0)).to.equal(2);

      await sendKeys({ press: 'ArrowDown' });
      expect(checked(el, 0)).to.equal(3);
      await sendKeys({ press: 'ArrowLeft' });
      expect(checked(el, 0)).to.equal(2);
      await sendKeys({ press: 'ArrowUp' });
      expect(focusedStar(el)).to.equal('1 star');
      expect(checked(el, 0)).to.equal(1);

      // Wrap-around both ways.
      await sendKeys({ press: 'ArrowLeft' });
      expect(focusedStar(el)).to.equal('5 stars');
      expect(checked(el, 0)).to.equal(5);
      await sendKeys({ press: 'ArrowRight' });
      expect(focusedStar(el)).to.equal('1 star');
      expect(checked(el, 0)).to.equal(1);
      await sendKeys({ press: 'ArrowLeft' });
      await sendKeys({ press: 'ArrowLeft' });
      expect(checked(el, 0)).to.equal(4);
      await el.updateComplete;
      expect(lit(el, 0)).to.equal(4);

      // One tab stop per group: Tab leaves to the review box (shown now that the item is rated),
      // then to the next group, where Space checks the focused star.
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(parts(el, 'item')[0]!.querySelector('[part~="review"]'));
      await sendKeys({ press: 'Tab' });
      expect(focusedStar(el)).to.equal('1 star');
      expect(focused(el)!.closest('[part~="item"]')).to.equal(parts(el, 'item')[1]);
      await sendKeys({ press: 'Space' });
      expect(checked(el, 1)).to.equal(1);

      // Shift+Tab back into the first group lands on its checked star.
      await shiftTab();
      expect(focused(el)).to.equal(parts(el, 'item')[0]!.querySelector('[part~="review"]'));
      await shiftTab();
      expect(focusedStar(el)).to.equal('4 stars');
      expect(focused(el)!.closest('[part~="item"]')).to.equal(parts(el, 'item')[0]);

      // Forward again: review, second group (on its checked star), its review, submit.
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(focusedStar(el)).to.equal('1 star');
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(parts(el, 'item')[1]!.querySelector('[part~="review"]'));
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'submit-button'));
      await expect(el).to.be.accessible();
    });

    it('shows where focus is on a star', async () => {
      const el = await signedIn();
      await sendKeys({ press: 'Tab' });
      const star = focused(el)!.closest('label')!;
      const style = getComputedStyle(star);
      expect(style.outlineStyle).to.equal('solid');
      expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
    });

    it('rates, writes and submits with the keyboard alone', async () => {
      const posts: Call[] = [];
      serve(reviewsHandler(posts));
      const el = await signedIn();
      await sendKeys({ press: 'Tab' });
      for (let i = 0; i < 4; i++) await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: 'Fresh and grassy.' });
      // Skip the second item (left unrated) and submit.
      while (focused(el) !== part(el, 'submit-button')) await sendKeys({ press: 'Tab' });
      const submitted = oneEvent(el, 'encore-rating-submit') as Promise<CustomEvent<RatingSubmitDetail>>;
      await sendKeys({ press: 'Enter' });
      const event = await submitted;
      expect(event.detail).to.deep.equal({ order: 'ord_1001', items: [{ product: 'prd_sencha', rating: 5 }], pointsEarned: 50 });
      expect(posts.map((p) => p.body)).to.deep.equal([{ order: 'ord_1001', items: [{ product: 'prd_sencha', rating: 5, body: 'Fresh and grassy.' }], locale: 'en' }]);
    });
  });

  describe('submitting', () => {
    it('sends ONE POST for every rated item with its text, shows a pending state, then thanks with the points', async () => {
      const posts: Call[] = [];
      const reply = gate();
      serve(reviewsHandler(posts, async () => (await reply.wait, HttpResponse.json(created(['prd_sencha', 'prd_kettle']), { status: 201 }))));
      const el = await signedIn();
      await rate(el, 0, 5);
      await typeReview(el, 0, '  Lovely <b>tea</b>.  ');
      await rate(el, 1, 2);

      const events: Array<CustomEvent<RatingSubmitDetail>> = [];
      el.addEventListener('encore-rating-submit', (e) => events.push(e));
      getPart(el, 'submit-button').click();
      await waitUntil(() => posts.length === 1, 'nothing was posted');

      // Pending: the button says so and cannot be pressed twice.
      await el.updateComplete;
      const submit = getPart<HTMLButtonElement>(el, 'submit-button');
      expect(submit.disabled).to.equal(true);
      expect(text(submit)).to.equal('Sending…');
      expect(widgetText(el)).to.contain('Sending…');
      await expect(el).to.be.accessible();
      submit.click();

      reply.open();
      const thanks = await waitForPart(el, 'thanks');
      expect(text(thanks)).to.equal('Thanks for your review! You earned 100 points.');
      expect(thanks.getAttribute('role')).to.equal('status');
      await waitUntil(() => focused(el) === thanks, 'focus did not move to the thanks');
      expect(parts(el, 'item'), 'rated items are not asked again').to.have.length(0);
      expect(part(el, 'submit-button')).to.equal(null);
      await expect(el).to.be.accessible();

      expect(posts).to.have.length(1);
      const [post] = posts;
      expect(post!.body).to.deep.equal({
        order: 'ord_1001',
        items: [
          { product: 'prd_sencha', rating: 5, body: 'Lovely <b>tea</b>.' },
          { product: 'prd_kettle', rating: 2 },
        ],
        locale: 'en',
      });
      expect(post!.headers.get('Idempotency-Key')).to.match(/^[0-9a-f]{32}$/);
      expect(post!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(post!.headers.get('Content-Type')).to.equal('application/json');

      expect(events).to.have.length(1);
      expect(events[0]!.bubbles).to.equal(true);
      expect(events[0]!.composed).to.equal(true);
      expect(events[0]!.detail).to.deep.equal({
        order: 'ord_1001',
        items: [
          { product: 'prd_sencha', rating: 5 },
          { product: 'prd_kettle', rating: 2 },
        ],
        pointsEarned: 100,
      });
      expect(storedRatings(), 'the outbox is empty once acknowledged').to.deep.equal([]);
    });

    it('keeps asking about the items left unrated, under the thanks', async () => {
      const posts: Call[] = [];
      serve(reviewsHandler(posts));
      const el = await signedIn();
      await rate(el, 1, 4);
      getPart(el, 'submit-button').click();
      const thanks = await waitForPart(el, 'thanks');
      expect(text(thanks)).to.equal('Thanks for your review! You earned 50 points.');
      expect(parts(el, 'item').map((i) => text(i.querySelector('.name')))).to.deep.equal(['Sencha Green Tea']);
      expect(getPart<HTMLButtonElement>(el, 'submit-button').disabled).to.equal(true);

      await rate(el, 0, 5);
      getPart(el, 'submit-button').click();
      await waitUntil(() => parts(el, 'item').length === 0, 'the second item was not submitted');
      expect(posts).to.have.length(2);
      expect(posts.map((p) => (p.body as { items: unknown[] }).items)).to.deep.equal([[{ product: 'prd_kettle', rating: 4 }], [{ product: 'prd_sencha', rating: 5 }]]);
      expect(posts[0]!.headers.get('Idempotency-Key'), 'a new submission, a new key').not.to.equal(posts[1]!.headers.get('Idempotency-Key'));
    });

    it('thanks without points for a guest order', async () => {
      serve(reviewsHandler([], () => HttpResponse.json({ ...created(['prd_sencha'], 0), balance: null }, { status: 201 })));
      const el = await signedIn([], () => HttpResponse.json(pending({ items: [sencha], pointsPerReview: 0 })));
      expect(widgetText(el)).not.to.contain('Earn');
      await rate(el, 0, 5);
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'thanks'))).to.equal('Thanks for your review!');
    });

    it('refreshes the list after 409 already_reviewed and says why', async () => {
      const gets: Call[] = [];
      const posts: Call[] = [];
      serve(reviewsHandler(posts, () => new HttpResponse(JSON.stringify({ title: 'Already reviewed', status: 409, code: 'already_reviewed', field: '/items/0/product' }), { status: 409, headers: { 'Content-Type': 'application/problem+json' } })));
      const el = await signedIn(gets, (_call, index) => HttpResponse.json(pending({ items: index === 0 ? [sencha, kettle] : [kettle] })));
      await rate(el, 0, 5);
      await typeReview(el, 0, 'Lovely');
      await rate(el, 1, 3);
      getPart(el, 'submit-button').click();

      const notice = await waitForPart(el, 'notice');
      expect(text(notice)).to.equal('Some items were already rated.');
      // A fresh read, although the first reply is still shared by the client for a moment.
      await waitUntil(() => gets.length === 2, 'the list was not read again');
      expect(posts, 'a 409 is an answer: never retried').to.have.length(1);
      await waitUntil(() => parts(el, 'item').length === 1, 'the list did not change');
      expect(parts(el, 'item').map((i) => text(i.querySelector('.name')))).to.deep.equal(['Tetsubin Kettle']);
      // The kettle keeps its stars, and its review box does not inherit the sencha's text.
      expect(checked(el, 0)).to.equal(3);
      expect(getPart<HTMLTextAreaElement>(el, 'review').value).to.equal('');
      expect(storedRatings()).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });

    it('says what to fix after 400 validation_failed, keeping the ratings and text', async () => {
      const posts: Call[] = [];
      serve(reviewsHandler(posts, () => problem(400, 'validation_failed', 'Invalid body')));
      const el = await signedIn();
      await rate(el, 0, 3);
      await typeReview(el, 0, 'Okay');
      getPart(el, 'submit-button').click();
      const error = await waitForPart(el, 'error');
      expect(text(error)).to.equal('Check your review and try again.');
      expect(error.getAttribute('role')).to.equal('alert');
      expect(checked(el, 0)).to.equal(3);
      expect(getPart<HTMLTextAreaElement>(el, 'review').value).to.equal('Okay');
      expect(getPart<HTMLButtonElement>(el, 'submit-button').disabled).to.equal(false);
      expect(posts).to.have.length(1);
      await expect(el).to.be.accessible();
    });

    // `failures`: the first send's attempts (the client's own retry included), all failing.
    const submitFaults: Array<{ name: string; fail: () => Response | Promise<Response>; failures: number; config?: { timeout: number; retries: number } }> = [
      { name: 'a 500', fail: () => problem(500, 'internal'), failures: 2 },
      { name: 'a 503 with Retry-After', fail: () => problem(503, 'internal', 'Unavailable', { 'Retry-After': '0' }), failures: 2 },
      {
        name: 'a timeout',
        fail: async () => (await delay(3000), HttpResponse.json(created(['prd_sencha']), { status: 201 })),
        failures: 1,
        config: { timeout: 1000, retries: 0 },
      },
    ];
    for (const { name, fail, failures, config } of submitFaults) {
      it(`keeps the answer queued after ${name}, and delivers it once under one key`, async () => {
        const posts: Call[] = [];
        serve(reviewsHandler(posts, (_call, index) => (index < failures ? fail() : HttpResponse.json(created(['prd_sencha']), { status: 201 }))));
        serve(pendingHandler());
        configure({ customerToken: TOKEN, ...config });
        const el = await prompt();
        const events: Array<CustomEvent<RatingSubmitDetail>> = [];
        el.addEventListener('encore-rating-submit', (e) => events.push(e));
        await rate(el, 0, 5);
        getPart(el, 'submit-button').click();
        await waitForPart(el, 'queued');
        expect(storedRatings()).to.have.length(1);
        // The outbox retries on its own (backoff), no shopper action needed.
        expect(text(await waitForPart(el, 'thanks'))).to.equal('Thanks for your review! You earned 50 points.');
        await aTimeout(200);
        expect(posts).to.have.length(failures + 1);
        expect(new Set(posts.map((p) => p.headers.get('Idempotency-Key'))).size).to.equal(1);
        expect(events).to.have.length(1);
        expect(storedRatings()).to.deep.equal([]);
      });
    }

    it('says so, and keeps the form, when the reply to a submission has the wrong shape', async () => {
      serve(reviewsHandler([], () => HttpResponse.json({ reviews: [], pointsEarned: '50', balance: null }, { status: 201 })));
      const el = await signedIn();
      await rate(el, 0, 5);
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'error'))).to.equal('Something went wrong on our side.');
      expect(checked(el, 0)).to.equal(5);
      expect(part(el, 'thanks')).to.equal(null);
    });

    it('says the order is not the shopper’s after 404 on submit', async () => {
      serve(reviewsHandler([], () => problem(404, 'order_not_found')));
      const el = await signedIn();
      await rate(el, 0, 5);
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'error'))).to.equal('Order or product not found.');
    });

    it('says the sign-in expired after 401 on submit', async () => {
      serve(reviewsHandler([], () => problem(401, 'token_expired', 'Token expired')));
      const el = await signedIn();
      await rate(el, 0, 3);
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'error'))).to.equal('Your sign-in has expired. Reload the page to sign in again.');
    });
  });

  describe('the outbox: a rating is never lost', () => {
    it('stays queued after a failed send with a clear message, then is delivered once under the same key', async () => {
      const posts: Call[] = [];
      let online = false;
      serve(reviewsHandler(posts, () => (online ? HttpResponse.json(created(['prd_sencha']), { status: 201 }) : HttpResponse.error())));
      const el = await signedIn();
      await rate(el, 0, 5);
      await typeReview(el, 0, 'Great');
      const events: Array<CustomEvent<RatingSubmitDetail>> = [];
      el.addEventListener('encore-rating-submit', (e) => events.push(e));
      getPart(el, 'submit-button').click();

      const queued = await waitForPart(el, 'queued');
      expect(text(queued)).to.equal('Saved. We’ll send it when you’re back online.');
      expect(queued.getAttribute('role')).to.equal('status');
      expect(posts.length).to.be.at.least(2); // the client's own retry (retries: 1)
      expect(storedRatings()).to.have.length(1);
      await expect(el).to.be.accessible();

      online = true;
      dispatchEvent(new Event('online'));
      const thanks = await waitForPart(el, 'thanks');
      expect(text(thanks)).to.equal('Thanks for your review! You earned 50 points.');
      const attempts = posts.length;
      await aTimeout(300);
      expect(posts, 'nothing is sent after the acknowledgement').to.have.length(attempts);
      expect(new Set(posts.map((p) => p.headers.get('Idempotency-Key'))).size, 'one key for every attempt').to.equal(1);
      expect(posts.every((p) => JSON.stringify(p.body) === JSON.stringify(posts[0]!.body))).to.equal(true);
      expect(events, 'delivered once, announced once').to.have.length(1);
      expect(storedRatings()).to.deep.equal([]);
    });

    it('after a reload with the answer still queued (offline), says it is saved instead of asking again, and sends it when back online', async () => {
      const posts: Call[] = [];
      const gets: Call[] = [];
      let online = false;
      serve(
        pendingHandler(gets, (_call, index) => (online ? HttpResponse.json(pending({ items: index === 0 ? [sencha, kettle] : [kettle] })) : HttpResponse.error())),
        reviewsHandler(posts, () => (online ? HttpResponse.json(created(['prd_sencha']), { status: 201 }) : HttpResponse.error())),
      );
      configure({ customerToken: TOKEN });
      // The first page: read while online, answered while offline.
      online = true;
      const first = await prompt();
      online = false;
      await rate(first, 0, 4);
      getPart(first, 'submit-button').click();
      await waitForPart(first, 'queued');
      const [entry] = storedRatings() as Array<{ idempotencyKey: string; meta: unknown }>;
      expect(entry!.meta).to.deep.equal({ order: 'ord_1001', products: ['prd_sencha'] });

      // The page goes away; a new one opens, still offline.
      first.remove();
      await leavePage();
      const sent = posts.length;
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
      const queued = await waitForPart(el, 'queued');
      expect(text(queued)).to.equal('Saved. We’ll send it when you’re back online.');
      expect(parts(el, 'star')).to.have.length(0);
      await aTimeout(100);
      expect(part(el, 'error-state'), 'the failed read does not hide the queued answer').to.equal(null);
      await expect(el).to.be.accessible();

      const submitted = oneEvent(el, 'encore-rating-submit') as Promise<CustomEvent<RatingSubmitDetail>>;
      online = true;
      dispatchEvent(new Event('online'));
      const event = await submitted;
      expect(event.detail).to.deep.equal({ order: 'ord_1001', items: [{ product: 'prd_sencha', rating: 4 }], pointsEarned: 50 });
      expect(text(await waitForPart(el, 'thanks'))).to.equal('Thanks for your review! You earned 50 points.');
      await waitUntil(() => parts(el, 'item').length === 1, 'the rest of the order was not read again');
      expect(text(getPart(el, 'item').querySelector('.name'))).to.equal('Tetsubin Kettle');

      expect(posts.length).to.be.above(sent);
      expect(posts.filter((p) => p.headers.get('Idempotency-Key') !== entry!.idempotencyKey)).to.deep.equal([]);
      const delivered = posts.length;
      await aTimeout(300);
      expect(posts).to.have.length(delivered);
      expect(storedRatings()).to.deep.equal([]);
    });
  });

  describe('empty', () => {
    it('thanks the shopper when everything is rated', async () => {
      const el = await signedIn([], () => HttpResponse.json(pending({ items: [] })));
      expect(text(getPart(el, 'empty'))).to.equal('Thanks, you’ve rated everything.');
      expect(part(el, 'submit-button')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('says there is nothing to rate for a product the shopper has not bought (or rated everywhere)', async () => {
      serve(pendingHandler([], () => HttpResponse.json(pending({ orderId: null, items: [], pointsPerReview: 0 }))));
      configure({ customerToken: TOKEN });
      const el = await prompt(html`<encore-rating-prompt product="prd_sencha"></encore-rating-prompt>`);
      expect(text(getPart(el, 'empty'))).to.equal('Nothing to rate here.');
    });
  });

  describe('guest', () => {
    it('asks a shopper without a token to sign in, without calling the API', async () => {
      const calls: Call[] = [];
      serve(pendingHandler(calls));
      configure();
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001" sign-in-url="/account/login?return=/thanks"></encore-rating-prompt>`);
      await waitForState(el, 'data');
      const guest = getPart(el, 'guest');
      expect(text(guest)).to.equal('Sign in to rate your purchase. Sign in');
      expect(getPart(el, 'sign-in-link').getAttribute('href')).to.equal('/account/login?return=/thanks');
      expect(part(el, 'error')).to.equal(null);
      await aTimeout(50);
      expect(calls).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('becomes the prompt when the shopper signs in at run time', async () => {
      const calls: Call[] = [];
      serve(pendingHandler(calls));
      configure();
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
      await waitForPart(el, 'guest');
      expect(part(el, 'sign-in-link')).to.equal(null);
      window.Encore.configure({ customerToken: TOKEN });
      await waitUntil(() => parts(el, 'item').length === 2, 'the items did not appear');
      expect(calls.map((c) => c.headers.get('Authorization'))).to.deep.equal([`Bearer ${TOKEN}`]);
    });

    it('shows the guest message when the token function gives none (401 token_missing)', async () => {
      serve(pendingHandler([], () => problem(401, 'token_missing')));
      configure({ customerToken: () => null });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('Sign in to rate your purchase.');
    });
  });

  describe('an order token (a guest order’s thank-you page)', () => {
    it('reads and posts with the order token from order-token, even without a customer token', async () => {
      const gets: Call[] = [];
      const posts: Call[] = [];
      serve(pendingHandler(gets, () => HttpResponse.json(pending({ pointsPerReview: 0 }))), reviewsHandler(posts, () => HttpResponse.json({ ...created(['prd_kettle'], 0), balance: null }, { status: 201 })));
      configure();
      const el = await prompt(html`<encore-rating-prompt order="ord_1001" order-token=${ORDER_TOKEN}></encore-rating-prompt>`);
      expect(gets[0]!.headers.get('Authorization')).to.equal(`Bearer ${ORDER_TOKEN}`);
      await rate(el, 1, 5);
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'thanks'))).to.equal('Thanks for your review!');
      expect(posts).to.have.length(1);
      expect(posts[0]!.headers.get('Authorization')).to.equal(`Bearer ${ORDER_TOKEN}`);
      expect(posts[0]!.body).to.deep.equal({ order: 'ord_1001', items: [{ product: 'prd_kettle', rating: 5 }], locale: 'en' });
    });

    it('takes the order token from the customer-token attribute too (one slot)', async () => {
      const gets: Call[] = [];
      serve(pendingHandler(gets));
      configure();
      const el = await prompt(html`<encore-rating-prompt order="ord_1001" customer-token=${ORDER_TOKEN}></encore-rating-prompt>`);
      expect(el.orderToken).to.equal(ORDER_TOKEN);
      expect(gets.map((c) => c.headers.get('Authorization'))).to.deep.equal([`Bearer ${ORDER_TOKEN}`]);
    });

    it('prefers the order token to the configured customer token', async () => {
      const gets: Call[] = [];
      serve(pendingHandler(gets));
      configure({ customerToken: TOKEN });
      await prompt(html`<encore-rating-prompt order="ord_1001" order-token=${ORDER_TOKEN}></encore-rating-prompt>`);
      expect(gets.map((c) => c.headers.get('Authorization'))).to.deep.equal([`Bearer ${ORDER_TOKEN}`]);
    });

    it('sends a queued answer left by an earlier page with the order token', async () => {
      const posts: Call[] = [];
      let online = false;
      serve(
        pendingHandler([], () => HttpResponse.json(pending({ items: [kettle], pointsPerReview: 0 }))),
        reviewsHandler(posts, () => (online ? HttpResponse.json({ ...created(['prd_kettle'], 0), balance: null }, { status: 201 }) : HttpResponse.error())),
      );
      configure();
      const first = await prompt(html`<encore-rating-prompt order="ord_1001" order-token=${ORDER_TOKEN}></encore-rating-prompt>`);
      await rate(first, 0, 3);
      getPart(first, 'submit-button').click();
      await waitForPart(first, 'queued');
      first.remove();
      await leavePage();

      online = true;
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001" order-token=${ORDER_TOKEN}></encore-rating-prompt>`);
      await waitForPart(el, 'thanks');
      expect(posts.every((p) => p.headers.get('Authorization') === `Bearer ${ORDER_TOKEN}`)).to.equal(true);
      expect(storedRatings()).to.deep.equal([]);
    });
  });

  describe('the page’s session read', () => {
    it('takes the items from the session when its newest order is this one: no read of its own', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(sessions, () => HttpResponse.json(session(member(), { pendingReviews: pending({ orderId: 'ord_7001', items: [kettle] }) }))), pendingHandler(calls));
      configure({ customerToken: TOKEN });
      // An order of its own: a read an earlier test's prompt (ord_1001) might still make is not this one's.
      const el = await prompt(html`<encore-rating-prompt order="ord_7001"></encore-rating-prompt>`);
      expect(parts(el, 'item')).to.have.length(1);
      expect(widgetText(el)).to.include('Tetsubin Kettle');
      expect(widgetText(el)).not.to.include('Sencha');
      expect(sessions).to.have.length(1);
      expect(sessions[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(calls.filter((call) => call.url.includes('ord_7001'))).to.have.length(0);
    });

    it('reads its own order when the session names another one', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(sessions, () => HttpResponse.json(session(member(), { pendingReviews: pending({ orderId: 'ord_0999', items: [kettle] }) }))), pendingHandler(calls));
      configure({ customerToken: TOKEN });
      const el = await prompt();
      expect(parts(el, 'item')).to.have.length(2);
      expect(sessions).to.have.length(1);
      expect(calls).to.have.length(1);
      expect(new URL(calls[0]!.url).searchParams.get('order')).to.equal('ord_1001');
    });

    it('says so when the session cannot be read, and its retry reads it again', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(sessions, (_call, index) => (index === 0 ? problem(500, 'internal') : HttpResponse.json(session()))), pendingHandler(calls));
      configure({ customerToken: TOKEN, retries: 0 });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('Something went wrong on our side.');
      expect(calls).to.have.length(0);
      getPart(el, 'retry-button').click();
      await waitForState(el, 'data');
      expect(parts(el, 'item')).to.have.length(2);
      expect(sessions).to.have.length(2);
      expect(calls).to.have.length(1);
    });

    it('never reads the session with an order token', async () => {
      const calls: Call[] = [];
      serve(pendingHandler(calls));
      configure({ customerToken: TOKEN });
      const el = await prompt(html`<encore-rating-prompt order="ord_1001" order-token=${ORDER_TOKEN}></encore-rating-prompt>`);
      expect(parts(el, 'item')).to.have.length(2);
      expect(sessions).to.have.length(0);
      expect(calls).to.have.length(1);
      expect(calls[0]!.headers.get('Authorization')).to.equal(`Bearer ${ORDER_TOKEN}`);
    });
  });

  describe('product="..."', () => {
    it('asks about one product and posts for the order the server names', async () => {
      const gets: Call[] = [];
      const posts: Call[] = [];
      serve(pendingHandler(gets, () => HttpResponse.json(pending({ orderId: 'ord_0987', items: [sencha] }))), reviewsHandler(posts));
      configure({ customerToken: TOKEN });
      const el = await prompt(html`<encore-rating-prompt product="prd_sencha"></encore-rating-prompt>`);
      const url = new URL(gets[0]!.url);
      expect(url.searchParams.get('product')).to.equal('prd_sencha');
      expect(url.searchParams.has('order')).to.equal(false);
      expect(parts(el, 'item')).to.have.length(1);
      await rate(el, 0, 4);
      const submitted = oneEvent(el, 'encore-rating-submit') as Promise<CustomEvent<RatingSubmitDetail>>;
      getPart(el, 'submit-button').click();
      expect((await submitted).detail).to.deep.equal({ order: 'ord_0987', items: [{ product: 'prd_sencha', rating: 4 }], pointsEarned: 50 });
      expect(posts[0]!.body).to.deep.equal({ order: 'ord_0987', items: [{ product: 'prd_sencha', rating: 4 }], locale: 'en' });
    });
  });

  describe('faults (SPEC §4): a clear message and a retry that works', () => {
    const cases: Array<{ name: string; fail: () => Response | Promise<Response>; message: string; attempts: number; timeout?: number; retries?: number }> = [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.', attempts: 2 },
      { name: 'a 500 (after the client’s own retry)', fail: () => problem(500, 'internal', 'Internal Server Error'), message: 'Something went wrong on our side.', attempts: 2 },
      {
        name: 'a timeout',
        fail: async () => (await delay(3000), HttpResponse.json(pending())),
        message: 'The rewards service took too long to answer.',
        attempts: 1,
        timeout: 1000,
        retries: 0,
      },
      { name: 'malformed JSON', fail: () => new HttpResponse('{"orderId": "ord_1', { headers: { 'Content-Type': 'application/json' } }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'items that are not a list', fail: () => HttpResponse.json({ ...pending(), items: 'prd_sencha' }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'an item without a title', fail: () => HttpResponse.json({ ...pending(), items: [{ productId: 'prd_sencha', url: null, image: null }] }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: '401 token_invalid', fail: () => problem(401, 'token_invalid'), message: 'Your sign-in has expired. Reload the page to sign in again.', attempts: 1 },
      { name: '401 token_expired', fail: () => problem(401, 'token_expired'), message: 'Your sign-in has expired. Reload the page to sign in again.', attempts: 1 },
      { name: '404 order_not_found (not the caller’s order)', fail: () => problem(404, 'order_not_found'), message: 'Order or product not found.', attempts: 1 },
    ];

    for (const { name, fail, message, attempts, timeout, retries } of cases) {
      it(`recovers from ${name}`, async () => {
        const calls: Call[] = [];
        let failing = true;
        serve(pendingHandler(calls, () => (failing ? fail() : HttpResponse.json(pending()))));
        configure({ customerToken: TOKEN, retries: retries ?? 1, ...(timeout && { timeout }) });
        const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);

        await waitForState(el, 'error');
        const error = getPart(el, 'error');
        expect(text(error)).to.equal(message);
        expect(error.getAttribute('role')).to.equal('alert');
        expect(calls).to.have.length(attempts);
        const retry = getPart<HTMLButtonElement>(el, 'retry-button');
        expect(text(retry)).to.equal('Try again');

        failing = false;
        retry.click();
        await waitForState(el, 'data');
        expect(parts(el, 'item')).to.have.length(2);
        expect(part(el, 'error')).to.equal(null);
      });
    }

    it('is accessible in the error state', async () => {
      serve(pendingHandler([], () => problem(503, 'internal')));
      configure({ customerToken: TOKEN, retries: 0 });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
      await waitForState(el, 'error');
      await expect(el).to.be.accessible();
    });

    it('says so when neither order nor product is given', async () => {
      const calls: Call[] = [];
      serve(pendingHandler(calls));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt></encore-rating-prompt>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('No order or product to rate.');
      expect(calls).to.have.length(0);
      el.setAttribute('order', 'ord_1001');
      await waitUntil(() => parts(el, 'item').length === 2, 'setting the order did not load it');
    });

    it('says so for an unknown product (404 product_not_found)', async () => {
      serve(pendingHandler([], () => problem(404, 'product_not_found')));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt product="nope"></encore-rating-prompt>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('Order or product not found.');
    });

    it('says the configuration is missing without an API address', async () => {
      configure({ customerToken: TOKEN, api: '' });
      const el = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('This widget is not set up yet (missing store or API address).');
    });
  });

  describe('locale', () => {
    it('speaks Japanese with the locale attribute, names and all', async () => {
      const posts: Call[] = [];
      serve(pendingHandler(), reviewsHandler(posts));
      configure({ customerToken: TOKEN });
      const el = await prompt(html`<encore-rating-prompt order="ord_1001" locale="ja"></encore-rating-prompt>`);
      expect(getPart(el, 'base').getAttribute('lang')).to.equal('ja');
      expect(text(getPart(el, 'base').querySelector('h2'))).to.equal('ご購入商品の評価');
      expect(widgetText(el)).to.contain('レビュー1件につき50ポイント進呈');
      expect(getPart(el, 'item').querySelector('[role="radiogroup"]')!.getAttribute('aria-label')).to.equal('Sencha Green Teaの評価');
      expect(parts(el, 'star').slice(0, 5).map(text)).to.deep.equal(['星1つ', '星2つ', '星3つ', '星4つ', '星5つ']);
      expect(text(getPart(el, 'submit-button'))).to.equal('送信する');
      await rate(el, 0, 5);
      expect(text(getPart(el, 'item').querySelector('label.review'))).to.equal('レビュー（任意）');
      await expect(el).to.be.accessible();
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'thanks'))).to.equal('レビューありがとうございました！ 50ポイントを獲得しました。');
      expect((posts[0]!.body as { locale: string }).locale).to.equal('ja');
      await expect(el).to.be.accessible();
    });

    it('follows the page’s lang for the guest, empty and queued messages', async () => {
      const lang = document.documentElement.lang;
      document.documentElement.lang = 'ja-JP';
      try {
        configure();
        const guest = await fixture<EncoreRatingPrompt>(html`<encore-rating-prompt order="ord_1001"></encore-rating-prompt>`);
        expect(text(await waitForPart(guest, 'guest'))).to.equal('ログインしてご購入商品を評価してください。');

        serve(pendingHandler([], () => HttpResponse.json(pending({ items: [] }))));
        configure({ customerToken: TOKEN });
        const empty = await prompt();
        expect(text(getPart(empty, 'empty'))).to.equal('すべて評価済みです。ありがとうございました。');

        serve(pendingHandler(), reviewsHandler([], () => HttpResponse.error()));
        configure({ customerToken: TOKEN });
        const offline = await prompt();
        await rate(offline, 0, 2);
        getPart(offline, 'submit-button').click();
        expect(text(await waitForPart(offline, 'queued'))).to.equal('保存しました。オンラインに戻ったら送信します。');
      } finally {
        document.documentElement.lang = lang;
      }
    });

    it('uses the merchant’s words', async () => {
      serve(pendingHandler());
      configure({ customerToken: TOKEN, messages: { en: { 'rp.title': 'Review your tea', 'points.other': '{count} leaves' } } });
      const el = await prompt();
      expect(text(getPart(el, 'base').querySelector('h2'))).to.equal('Review your tea');
      expect(widgetText(el)).to.contain('Earn 50 leaves per review.');
    });

    it('uses the merchant’s words from the store’s settings on the server', async () => {
      const words = { en: { 'rp.title': 'Review your tea', 'points.other': '{count} leaves' } };
      serve(sessionHandler([], () => HttpResponse.json(session(member(), { store: { messages: words }, pendingReviews: pending() }))), pendingHandler());
      configure({ customerToken: TOKEN });
      const el = await prompt();
      expect(text(getPart(el, 'base').querySelector('h2'))).to.equal('Review your tea');
      expect(widgetText(el)).to.contain('Earn 50 leaves per review.');
    });
  });
});
