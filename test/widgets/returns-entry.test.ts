/**
 * <encore-returns-entry>: the policy, the lookup form (labels, hints, validation), the one message
 * for every mismatch, the rate limit, the items with their eligibility, choosing and submitting a
 * return through the outbox (one Idempotency-Key, delivered once), the portal hand-off, the whole
 * flow by keyboard, axe in each state, both locales and the faults of SPEC §4.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil as waitUntilQuickly } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { delay, http, HttpResponse } from 'msw';
import type { Return, ReturnableItem, ReturnLookup } from '../../contract/types.ts';
import type { Outbox } from '../../src/core/outbox.ts';
import { define } from '../../src/core/define.ts';
import { EncoreReturnsEntry } from '../../src/widgets/returns-entry/define.ts';
import type { ReturnLookupDetail, ReturnSubmitDetail } from '../../src/widgets/returns-entry/returns-entry.ts';
import { API, configure as configureEncore, focused, gate, getPart, member, part, parts, problem, returnPolicy as policy, sectionHandler, serve, session, text, waitForPart, waitForState, widgetText, type Call } from './support.ts';

const LOOKUP = `${API}/v1/stores/:store/returns/lookup`;
const RETURNS = `${API}/v1/stores/:store/returns`;

const NOT_FOUND = 'We couldn’t find an order with those details. Check the order number and contact.';
const POLICY_EN = 'Full refund within 30 days, free exchange within 90 days, and store credit within 90 days. Final-sale items can’t be returned.';
/** An image that needs no request (the mocked API answers only API calls). */
const image = (id: string) => `data:image/gif;base64,R0lGODlhAQABAAAAACw=#${id}`;
const ALL: ReturnableItem['options'] = ['refund', 'exchange', 'store_credit'];

function item(productId: string, title: string, patch: Partial<ReturnableItem> = {}): ReturnableItem {
  return { productId, title, image: image(productId), quantity: 1, returnableQuantity: 1, price: 1200, options: ALL, reason: null, ...patch };
}

const ineligible = (reason: NonNullable<ReturnableItem['reason']>, productId: string, title: string): ReturnableItem =>
  item(productId, title, { reason, options: [], returnableQuantity: 0 });

/** An order with two eligible items (the kettle's refund window has passed) and one of each reason not to. */
function found(patch: { lookupToken?: string; items?: ReturnableItem[] } = {}): ReturnLookup {
  return {
    lookupToken: patch.lookupToken ?? 'lt_first',
    expiresAt: '2025-11-20T10:00:00.000Z',
    order: {
      number: 'KT-1001',
      createdAt: '2025-11-02T03:00:00.000Z',
      currency: 'JPY',
      items: patch.items ?? [
        item('prd_sencha', 'Sencha Green Tea', { quantity: 3, returnableQuantity: 3 }),
        item('prd_kettle', 'Tetsubin Kettle', { image: null, price: 8800, options: ['exchange', 'store_credit'] }),
        ineligible('window_passed', 'prd_whisk', 'Bamboo Whisk'),
        ineligible('final_sale', 'prd_bowl', 'Seconds Tea Bowl'),
        ineligible('already_returned', 'prd_cups', 'Cup Set'),
        ineligible('refunded', 'prd_tray', 'Lacquer Tray'),
      ],
    },
    policy: policy(),
  };
}

function created(body: { items: Return['items']; reason: string; resolution: Return['resolution'] }, patch: Partial<Return> = {}): Return {
  return {
    number: 'R-7KQ2M9',
    orderNumber: 'KT-1001',
    status: 'requested',
    labelUrl: 'https://labels.example.com/return/R-7KQ2M9',
    resolution: body.resolution,
    reason: body.reason,
    items: body.items,
    createdAt: '2025-11-20T09:31:00.000Z',
    ...patch,
  };
}

type Reply = (call: Call, index: number) => Response | Promise<Response>;

function record(calls: Call[], request: Request, body: unknown): Call {
  const call = { method: request.method, url: request.url, headers: request.headers, body };
  calls.push(call);
  return call;
}

/** The policy arrives as the `returnPolicy` section of the page's session read. */
function policyHandler(calls: Call[] = [], reply: Reply = () => HttpResponse.json(policy())) {
  return sectionHandler('returnPolicy', calls, reply);
}

function lookupHandler(calls: Call[] = [], reply: Reply = () => HttpResponse.json(found())) {
  return http.post(LOOKUP, async ({ request }) => reply(record(calls, request, await request.json()), calls.length - 1));
}

function returnsHandler(calls: Call[] = [], reply: Reply = (call) => HttpResponse.json(created(call.body as Parameters<typeof created>[0]), { status: 201 })) {
  return http.post(RETURNS, async ({ request }) => reply(record(calls, request, await request.json()), calls.length - 1));
}

/** A problem document with the extras the server adds (`field`, `retryAfter`). */
function problemWith(status: number, code: string, extras: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new HttpResponse(JSON.stringify({ type: `urn:encore:problem:${code}`, title: code, status, code, detail: code, ...extras }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

/** waitUntil with room for a loaded machine. */
function waitUntil(condition: () => unknown, message: string, timeout = 5000): Promise<void> {
  return waitUntilQuickly(condition, message, { timeout, interval: 10 });
}

/** The stores this file configured, so each test's outbox entries can be found and cleared. */
const used = new Set<string>();
function configure(patch: Parameters<typeof configureEncore>[0] = {}): ReturnType<typeof configureEncore> {
  const config = configureEncore(patch);
  used.add(`encore:outbox:v1:${encodeURIComponent(config.store)}:`);
  return config;
}

function storedReturns(): unknown[] {
  return Object.keys(localStorage)
    .filter((key) => [...used].some((prefix) => key.startsWith(prefix)))
    .map((key) => JSON.parse(localStorage.getItem(key)!))
    .filter((entry) => entry.kind === 'return');
}

function outboxes(): Map<string, Outbox> {
  return ((globalThis as unknown as Record<symbol, Map<string, Outbox>>)[Symbol.for('encore.outboxes')] ??= new Map());
}

/** The widget with its policy and form on screen. */
async function mount(template = html`<encore-returns-entry></encore-returns-entry>`, patch: Parameters<typeof configure>[0] = {}): Promise<EncoreReturnsEntry> {
  serve(policyHandler());
  configure(patch);
  const el = await fixture<EncoreReturnsEntry>(template);
  await waitForState(el, 'data');
  return el;
}

function control<T extends HTMLElement = HTMLInputElement>(el: Element, selector: string): T {
  const found = el.shadowRoot!.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector} in the widget: ${widgetText(el)}`);
  return found;
}

/** Types a value the way an input event reports it (the keyboard test types for real). */
async function fill(el: EncoreReturnsEntry, selector: string, value: string): Promise<void> {
  const input = control<HTMLInputElement | HTMLSelectElement>(el, selector);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

async function click(el: EncoreReturnsEntry, selector: string): Promise<void> {
  control(el, selector).click();
  await el.updateComplete;
}

/** Fills the lookup form and sends it; resolves when the answer is on screen. */
async function lookUp(el: EncoreReturnsEntry, order = 'KT-1001', contact = 'hanako@example.jp', kind = 'email'): Promise<void> {
  await click(el, `input[name=kind][value=${kind}]`);
  await fill(el, '#order', order);
  await fill(el, '#contact', contact);
  getPart(el, 'lookup-button').click();
  await el.updateComplete; // the busy state, with any earlier message gone
  await waitUntil(() => part(el, 'item') || part(el, 'portal-link') || part(el, 'error'), 'the lookup never answered');
  await el.updateComplete;
}

/** The items of the found order, by title. */
function row(el: Element, title: string): HTMLElement {
  const found = parts(el, 'item').find((li) => text(li.querySelector('.name')) === title);
  if (!found) throw new Error(`no item "${title}"`);
  return found;
}

function checkbox(el: Element, title: string): HTMLInputElement {
  return row(el, title).querySelector('input[type=checkbox]')!;
}

function radioLabels(el: Element, name: string): string[] {
  return Array.from(el.shadowRoot!.querySelectorAll<HTMLInputElement>(`input[name=${name}]`), (input) => text(input.closest('label')));
}

/** Chooses 2 × Sencha, too small, refund. */
async function choose(el: EncoreReturnsEntry): Promise<void> {
  checkbox(el, 'Sencha Green Tea').click();
  await el.updateComplete;
  await fill(el, '[part~=quantity]', '2');
  await fill(el, '#reason', 'too_small');
  await click(el, 'input[name=resolution][value=refund]');
}

describe('<encore-returns-entry>', () => {
  afterEach(() => {
    for (const box of [...outboxes().values()]) box.close();
    for (const key of Object.keys(localStorage)) if ([...used].some((prefix) => key.startsWith(prefix))) localStorage.removeItem(key);
    used.clear();
  });

  it('is accessible with its policy and form', async () => {
    const el = await mount();
    await expect(el).to.be.accessible();
  });

  describe('loading', () => {
    it('shows a busy skeleton that reserves the form’s height while the policy loads', async () => {
      const reply = gate();
      serve(policyHandler([], async () => (await reply.wait, HttpResponse.json(policy()))));
      configure();
      const el = await fixture<EncoreReturnsEntry>(html`<encore-returns-entry></encore-returns-entry>`);
      const skeleton = await waitForPart(el, 'skeleton');
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(widgetText(el)).to.equal('Loading…');
      await expect(el).to.be.accessible();
      const loading = el.getBoundingClientRect().height;

      reply.open();
      await waitForState(el, 'data');
      const loaded = el.getBoundingClientRect().height;
      console.log(`[encore] returns-entry: skeleton ${loading}px, loaded form ${loaded}px`);
      expect(Math.abs(loaded - loading) / loaded, `skeleton ${loading}px vs form ${loaded}px`).to.be.below(0.05);
    });
  });

  describe('policy and form', () => {
    it('says the policy in plain words, days formatted for the locale', async () => {
      const el = await mount();
      expect(text(getPart(el, 'policy'))).to.equal(POLICY_EN);
      expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('Returns and exchanges');
    });

    it('uses the merchant’s words from the store’s settings on the server', async () => {
      const words = { en: { 'rt.title': 'Sending tea back', 'rt.days.other': '{n} nights' } };
      serve(sectionHandler('returnPolicy', [], () => HttpResponse.json(policy()), () => session(member(), { store: { messages: words } })));
      configure();
      const el = await fixture<EncoreReturnsEntry>(html`<encore-returns-entry></encore-returns-entry>`);
      await waitForState(el, 'data');
      expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('Sending tea back');
      expect(text(getPart(el, 'policy'))).to.contain('nights');
      expect(text(getPart(el, 'policy'))).not.to.contain('days');
    });

    it('leaves out closed windows and says one day in the singular', async () => {
      serve(policyHandler([], () => HttpResponse.json(policy({ refundDays: 1, exchangeDays: 0, storeCreditDays: 14 }))));
      configure();
      const el = await fixture<EncoreReturnsEntry>(html`<encore-returns-entry></encore-returns-entry>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'policy'))).to.equal('Full refund within 1 day and store credit within 14 days. Final-sale items can’t be returned.');
    });

    it('says when the store takes no returns', async () => {
      serve(policyHandler([], () => HttpResponse.json(policy({ refundDays: 0, exchangeDays: 0, storeCreditDays: 0 }))));
      configure();
      const el = await fixture<EncoreReturnsEntry>(html`<encore-returns-entry></encore-returns-entry>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'policy'))).to.equal('Returns are not accepted.');
    });

    it('labels every field, hints at what to enter and tells the browser what to fill in', async () => {
      const el = await mount();
      const order = getPart<HTMLInputElement>(el, 'order-input');
      expect(order.labels![0]!.textContent).to.equal('Order number');
      expect(order.getAttribute('autocomplete')).to.equal('off');
      expect(order.type).to.equal('text');
      expect(order.maxLength).to.equal(40);
      expect(order.required).to.equal(true);
      expect(order.getAttribute('aria-describedby')).to.equal('h-order');
      expect(text(control(el, '#h-order'))).to.equal('As shown in your order confirmation e-mail');

      const kinds = getPart(el, 'contact-kind');
      expect(kinds.localName).to.equal('fieldset');
      expect(text(kinds.querySelector('legend'))).to.equal('Confirm with');
      expect(radioLabels(el, 'kind')).to.deep.equal(['E-mail address', 'Postal code', 'Phone number']);
      expect(control(el, 'input[name=kind][value=email]').checked).to.equal(true);

      const expected = { email: ['email', 'email', 254, 'E-mail address'], postalCode: ['text', 'postal-code', 20, 'Postal code'], phone: ['tel', 'tel', 32, 'Phone number'] };
      for (const [kind, [type, autocomplete, max, label]] of Object.entries(expected)) {
        await click(el, `input[name=kind][value=${kind}]`);
        const contact = getPart<HTMLInputElement>(el, 'contact-input');
        expect(contact.type, kind).to.equal(type);
        expect(contact.getAttribute('autocomplete'), kind).to.equal(autocomplete);
        expect(contact.maxLength, kind).to.equal(max);
        expect(contact.labels![0]!.textContent, kind).to.equal(label);
        expect(contact.getAttribute('aria-describedby')).to.equal('h-contact');
        expect(text(control(el, '#h-contact'))).to.equal('The one you gave when you ordered');
      }
      expect(text(getPart(el, 'lookup-button'))).to.equal('Find my order');
    });

    it('clears the contact when the shopper switches to another kind', async () => {
      const el = await mount();
      await fill(el, '#contact', 'hanako@example.jp');
      await click(el, 'input[name=kind][value=phone]');
      expect(getPart<HTMLInputElement>(el, 'contact-input').value).to.equal('');
    });
  });

  describe('validation', () => {
    it('marks the empty fields, ties each message to its field and focuses the first, sending nothing', async () => {
      const calls: Call[] = [];
      serve(lookupHandler(calls));
      const el = await mount();
      getPart(el, 'lookup-button').click();
      await el.updateComplete;

      const order = getPart<HTMLInputElement>(el, 'order-input');
      const contact = getPart<HTMLInputElement>(el, 'contact-input');
      expect(order.getAttribute('aria-invalid')).to.equal('true');
      expect(contact.getAttribute('aria-invalid')).to.equal('true');
      expect(order.getAttribute('aria-describedby')).to.equal('h-order e-order');
      expect(contact.getAttribute('aria-describedby')).to.equal('h-contact e-contact');
      expect(text(control(el, '#e-order'))).to.equal('Fill in this field.');
      expect(text(control(el, '#e-contact'))).to.equal('Fill in this field.');
      expect(parts(el, 'field-error')).to.have.length(2);
      await waitUntil(() => focused(el) === order, 'focus did not move to the order number');
      await expect(el).to.be.accessible();
      await aTimeout(50);
      expect(calls).to.have.length(0);
    });

    it('checks the e-mail’s form, focusing the contact when the order number is fine', async () => {
      const calls: Call[] = [];
      serve(lookupHandler(calls));
      const el = await mount();
      await fill(el, '#order', 'KT-1001');
      await fill(el, '#contact', 'hanako.example.jp');
      getPart(el, 'lookup-button').click();
      await el.updateComplete;
      expect(text(control(el, '#e-contact'))).to.equal('Enter an e-mail address like name@example.com.');
      expect(part(el, 'field-error')).to.equal(control(el, '#e-contact'));
      expect(getPart(el, 'order-input').getAttribute('aria-invalid')).to.equal('false');
      await waitUntil(() => focused(el) === getPart(el, 'contact-input'), 'focus did not move to the contact');

      // The message follows the fix as the shopper types.
      await fill(el, '#contact', 'hanako@example.jp');
      expect(part(el, 'field-error')).to.equal(null);
      expect(getPart(el, 'contact-input').getAttribute('aria-invalid')).to.equal('false');
      expect(calls).to.have.length(0);
    });

    it('judges a typed field when the shopper leaves it, not an empty one', async () => {
      const el = await mount();
      const order = getPart<HTMLInputElement>(el, 'order-input');
      const contact = getPart<HTMLInputElement>(el, 'contact-input');
      contact.focus();
      await sendKeys({ press: 'Tab' });
      await el.updateComplete;
      expect(part(el, 'field-error'), 'an empty field left alone').to.equal(null);

      order.focus();
      await sendKeys({ type: 'KT-1001' });
      contact.focus();
      await sendKeys({ type: 'not-an-address' });
      await sendKeys({ press: 'Tab' });
      await el.updateComplete;
      expect(text(getPart(el, 'field-error'))).to.equal('Enter an e-mail address like name@example.com.');
      expect(contact.getAttribute('aria-invalid')).to.equal('true');
      expect(order.getAttribute('aria-invalid')).to.equal('false');
      expect(focused(el), 'leaving a field does not pull the focus back').not.to.equal(contact);
    });

    it('takes any postal code or phone number as typed (the server normalises them)', async () => {
      const calls: Call[] = [];
      serve(lookupHandler(calls));
      const el = await mount();
      await lookUp(el, '  #kt-1001 ', ' 〒150-0001 ', 'postalCode');
      expect(calls[0]!.body).to.deep.equal({ orderNumber: '#kt-1001', postalCode: '〒150-0001' });
      getPart(el, 'change-button').click();
      await el.updateComplete;
      await lookUp(el, 'KT-1001', '+81 90-1234-5678', 'phone');
      expect(calls[1]!.body).to.deep.equal({ orderNumber: 'KT-1001', phone: '+81 90-1234-5678' });
    });
  });

  describe('looking up', () => {
    it('sends the order number and the one contact, trimmed, and says it is busy meanwhile', async () => {
      const calls: Call[] = [];
      const reply = gate();
      serve(lookupHandler(calls, async () => (await reply.wait, HttpResponse.json(found()))));
      const el = await mount();
      await fill(el, '#order', ' KT-1001 ');
      await fill(el, '#contact', ' Hanako@Example.jp ');
      const button = getPart<HTMLButtonElement>(el, 'lookup-button');
      button.focus();
      button.click();
      await waitUntil(() => text(getPart(el, 'lookup-button')) === 'One moment…', 'the button never said it was busy');
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(focused(el), 'the busy button keeps the focus').to.equal(button);
      await expect(el).to.be.accessible();
      button.click(); // a second press while busy sends nothing more

      reply.open();
      await waitForPart(el, 'item');
      expect(calls).to.have.length(1);
      expect(calls[0]!.body).to.deep.equal({ orderNumber: 'KT-1001', email: 'Hanako@Example.jp' });
      expect(calls[0]!.headers.get('Content-Type')).to.equal('application/json');
      expect(new URL(calls[0]!.url).pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/returns\/lookup$/);
    });

    it('gives the same message for a wrong order number and a wrong contact, never saying which', async () => {
      const calls: Call[] = [];
      serve(lookupHandler(calls, () => problem(404, 'order_lookup_failed', 'Order lookup failed')));
      const el = await mount();

      await lookUp(el, 'KT-9999', 'hanako@example.jp');
      const wrongNumber = text(getPart(el, 'error'));
      expect(getPart(el, 'error').getAttribute('role')).to.equal('alert');
      await waitUntil(() => focused(el) === getPart(el, 'error'), 'focus did not move to the message');
      await expect(el).to.be.accessible();

      await lookUp(el, 'KT-1001', 'someone@example.jp');
      const wrongContact = text(getPart(el, 'error'));
      await lookUp(el, 'KT-1001', '999-9999', 'postalCode');
      const wrongPostalCode = text(getPart(el, 'error'));

      expect(wrongNumber).to.equal(NOT_FOUND);
      expect(wrongContact).to.equal(wrongNumber);
      expect(wrongPostalCode).to.equal(wrongNumber);
      expect(calls).to.have.length(3); // a 404 is an answer: never retried
      expect(getPart(el, 'order-input').getAttribute('aria-invalid'), 'no field is blamed').to.equal('false');
      expect(getPart(el, 'contact-input').getAttribute('aria-invalid')).to.equal('false');
      expect(getPart<HTMLButtonElement>(el, 'lookup-button').disabled).to.equal(false);
    });

    it('says when to try again after too many attempts, and keeps the button off until then', async () => {
      const calls: Call[] = [];
      serve(lookupHandler(calls, () => problemWith(429, 'rate_limited', { retryAfter: 900 }, { 'Retry-After': '900' })));
      const el = await mount();
      await lookUp(el);
      expect(text(getPart(el, 'error'))).to.equal('Too many attempts. Try again in 15 minutes.');
      const button = getPart<HTMLButtonElement>(el, 'lookup-button');
      expect(button.disabled).to.equal(true);
      await waitUntil(() => focused(el) === getPart(el, 'error'), 'focus did not move to the message');
      await expect(el).to.be.accessible();

      // Enter in a field tries nothing while the wait lasts.
      getPart(el, 'order-input').focus();
      await sendKeys({ press: 'Enter' });
      await aTimeout(50);
      expect(calls.map((c) => c.body)).to.have.length(1); // a long Retry-After is reported, not waited out
    });

    it('turns the button back on when the wait is over', async () => {
      const calls: Call[] = [];
      serve(lookupHandler(calls, (_call, index) => (index ? HttpResponse.json(found()) : problemWith(429, 'rate_limited', { retryAfter: 1 }, { 'Retry-After': '1' }))));
      const el = await mount(undefined, { retries: 0 });
      await lookUp(el);
      expect(text(getPart(el, 'error'))).to.equal('Too many attempts. Try again in 1 minute.');
      expect(getPart<HTMLButtonElement>(el, 'lookup-button').disabled).to.equal(true);
      await waitUntil(() => !getPart<HTMLButtonElement>(el, 'lookup-button').disabled, 'the button stayed off', 3000);
      expect(part(el, 'error'), 'the stale wait is no longer shown').to.equal(null);
      getPart(el, 'lookup-button').click();
      await waitForPart(el, 'item');
      expect(calls).to.have.length(2);
    });

    for (const { name, fail, message, timeout } of [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.' },
      { name: 'a 500', fail: () => problem(500, 'internal'), message: 'Something went wrong on our side.' },
      { name: 'a timeout', fail: async () => (await delay(3000), HttpResponse.json(found())), message: 'The rewards service took too long to answer.', timeout: 1000 },
      { name: 'malformed JSON', fail: () => new HttpResponse('{"lookupToken": "lt_', { headers: { 'Content-Type': 'application/json' } }), message: 'Something went wrong on our side.' },
      { name: 'a reply of the wrong shape', fail: () => HttpResponse.json({ ...found(), order: { ...found().order, items: 'none' } }), message: 'Something went wrong on our side.' },
      { name: 'a 400', fail: () => problem(400, 'validation_failed'), message: 'Something went wrong.' },
    ] as Array<{ name: string; fail: () => Response | Promise<Response>; message: string; timeout?: number }>) {
      it(`recovers from ${name}: a clear message, and the button tries again`, async () => {
        let failing = true;
        serve(lookupHandler([], () => (failing ? fail() : HttpResponse.json(found()))));
        const el = await mount(undefined, { retries: 0, ...(timeout && { timeout }) });
        await lookUp(el);
        expect(text(getPart(el, 'error'))).to.equal(message);
        expect(part(el, 'item')).to.equal(null);
        failing = false;
        getPart(el, 'lookup-button').click();
        await waitForPart(el, 'item');
        expect(part(el, 'error')).to.equal(null);
      });
    }
  });

  describe('the order’s items', () => {
    it('shows what each item can get, or why not, and announces the lookup', async () => {
      serve(lookupHandler());
      const el = await mount();
      const looked = oneEvent(el, 'encore-return-lookup') as Promise<CustomEvent<ReturnLookupDetail>>;
      await lookUp(el);
      const event = await looked;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail.orderNumber).to.equal('KT-1001');
      expect(event.detail.eligibleItems.map((i) => i.productId)).to.deep.equal(['prd_sencha', 'prd_kettle']);
      expect(JSON.stringify(event.detail)).not.to.contain('lt_first');

      const heading = control(el, '#found');
      expect(text(heading)).to.equal('Order KT-1001');
      await waitUntil(() => focused(el) === heading, 'focus did not move to the order');

      expect(parts(el, 'item')).to.have.length(6);
      expect(parts(el, 'item--eligible')).to.have.length(2);
      const sencha = row(el, 'Sencha Green Tea');
      expect(text(sencha.querySelector('.hint'))).to.equal('Bought: 3 · ¥1,200');
      expect(Array.from(sencha.querySelectorAll('[part~=badge]'), text)).to.deep.equal(['Refund', 'Exchange', 'Store credit']);
      const img = sencha.querySelector<HTMLImageElement>('[part~=image]')!;
      expect(img.getAttribute('alt')).to.equal('');
      expect(img.getAttribute('src')).to.equal(image('prd_sencha'));
      expect(checkbox(el, 'Sencha Green Tea').labels![0]!.textContent).to.equal('Sencha Green Tea');
      expect(checkbox(el, 'Sencha Green Tea').getAttribute('aria-describedby')).to.equal('o0');

      const kettle = row(el, 'Tetsubin Kettle');
      expect(Array.from(kettle.querySelectorAll('[part~=badge]'), text)).to.deep.equal(['Exchange', 'Store credit']);
      expect(kettle.querySelector('img'), 'no image: no broken one').to.equal(null);
      expect(text(kettle.querySelector('.hint'))).to.equal('Bought: 1 · ¥8,800');

      const why = (title: string) => {
        const li = row(el, title);
        expect(li.part.contains('item--ineligible')).to.equal(true);
        expect(li.querySelector('input'), `${title} cannot be chosen`).to.equal(null);
        return text(li.querySelector('[part~=ineligible]'));
      };
      expect(why('Bamboo Whisk')).to.equal('The return window has passed.');
      expect(why('Seconds Tea Bowl')).to.equal('Final sale: can’t be returned.');
      expect(why('Cup Set')).to.equal('Already returned.');
      expect(why('Lacquer Tray')).to.equal('Already refunded.');
      expect(text(getPart(el, 'policy')), 'the policy stays in view').to.equal(POLICY_EN);
      await expect(el).to.be.accessible();
    });

    it('says so when nothing in the order can be returned', async () => {
      serve(lookupHandler([], () => HttpResponse.json(found({ items: [ineligible('window_passed', 'prd_whisk', 'Bamboo Whisk')] }))));
      const el = await mount();
      await lookUp(el);
      expect(text(getPart(el, 'empty'))).to.equal('None of these items can be returned.');
      expect(part(el, 'submit-button')).to.equal(null);
      expect(part(el, 'reason')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('goes back to the form, values kept, to look up another order', async () => {
      serve(lookupHandler());
      const el = await mount();
      await lookUp(el);
      getPart(el, 'change-button').click();
      await waitForPart(el, 'order-input');
      expect(getPart<HTMLInputElement>(el, 'order-input').value).to.equal('KT-1001');
      expect(getPart<HTMLInputElement>(el, 'contact-input').value).to.equal('hanako@example.jp');
      await waitUntil(() => focused(el) === getPart(el, 'order-input'), 'focus did not return to the order number');
    });

    it('renders text from the server as text, never as HTML', async () => {
      const title = '<img src=x onerror="window.__encoreReturnsPwned = true">Tea';
      serve(lookupHandler([], () => HttpResponse.json(found({ items: [item('prd_x', title)] }))));
      const el = await mount();
      await lookUp(el);
      await aTimeout(50);
      expect(text(getPart(el, 'item').querySelector('.name'))).to.equal(title);
      expect(getPart(el, 'item').querySelectorAll('img')).to.have.length(1); // the product image only
      expect((window as unknown as { __encoreReturnsPwned?: boolean }).__encoreReturnsPwned).to.equal(undefined);
    });
  });

  describe('choosing', () => {
    it('offers quantities up to what can be returned, the server’s reasons and the resolutions every chosen item allows', async () => {
      serve(lookupHandler());
      const el = await mount();
      await lookUp(el);
      expect(part(el, 'quantity'), 'no quantity before the item is chosen').to.equal(null);
      expect(radioLabels(el, 'resolution'), 'before a choice: what some item allows').to.deep.equal(['Refund', 'Exchange', 'Store credit']);

      checkbox(el, 'Sencha Green Tea').click();
      await el.updateComplete;
      const quantity = getPart<HTMLSelectElement>(el, 'quantity');
      expect(Array.from(quantity.options, (o) => o.value)).to.deep.equal(['1', '2', '3']);
      expect(quantity.value).to.equal('1');
      expect(text(quantity.closest('label'))).to.contain('Quantity').and.contain('Sencha Green Tea');
      await fill(el, '[part~=quantity]', '3');
      expect(getPart<HTMLSelectElement>(el, 'quantity').value).to.equal('3');

      const reason = getPart<HTMLSelectElement>(el, 'reason');
      expect(reason.labels![0]!.textContent).to.equal('Reason');
      expect(Array.from(reason.options, (o) => o.text)).to.deep.equal([
        'Choose one',
        'Too small',
        'Too large',
        'Arrived damaged',
        'Not as described',
        'Changed my mind',
        'Other',
        'gift_duplicate', // an id the widget does not know is shown as sent
      ]);

      await click(el, 'input[name=resolution][value=refund]');
      expect(radioLabels(el, 'resolution')).to.deep.equal(['Refund', 'Exchange', 'Store credit']);
      // The kettle allows no refund: with it chosen, refund goes.
      checkbox(el, 'Tetsubin Kettle').click();
      await el.updateComplete;
      expect(radioLabels(el, 'resolution')).to.deep.equal(['Exchange', 'Store credit']);
      expect(text(getPart(el, 'resolution').querySelector('legend'))).to.equal('What would you like?');
      expect(row(el, 'Tetsubin Kettle').querySelector('[part~=quantity]'), 'one unit: no quantity to choose').to.equal(null);
      await expect(el).to.be.accessible();

      // Unchecked again, its quantity goes and refund is back.
      checkbox(el, 'Sencha Green Tea').click();
      await el.updateComplete;
      expect(part(el, 'quantity')).to.equal(null);
      checkbox(el, 'Tetsubin Kettle').click();
      await el.updateComplete;
      expect(radioLabels(el, 'resolution')).to.deep.equal(['Refund', 'Exchange', 'Store credit']);
    });

    it('asks for an item, a reason and a resolution, focusing the first that is missing', async () => {
      const posts: Call[] = [];
      serve(lookupHandler(), returnsHandler(posts));
      const el = await mount();
      await lookUp(el);
      getPart(el, 'submit-button').click();
      await el.updateComplete;
      expect(Array.from(parts(el, 'field-error'), text)).to.deep.equal(['Choose at least one item.', 'Choose one', 'Choose one']);
      expect(getPart(el, 'reason').getAttribute('aria-describedby')).to.equal('e-reason');
      expect(getPart(el, 'resolution').getAttribute('aria-describedby')).to.equal('e-resolution');
      const first = checkbox(el, 'Sencha Green Tea');
      expect(first.getAttribute('aria-invalid')).to.equal('true');
      await waitUntil(() => focused(el) === first, 'focus did not move to the first item');
      await expect(el).to.be.accessible();

      first.click();
      await el.updateComplete;
      expect(Array.from(parts(el, 'field-error'), text), 'the item message goes once one is chosen').to.deep.equal(['Choose one', 'Choose one']);
      getPart(el, 'submit-button').click();
      await waitUntil(() => focused(el) === getPart(el, 'reason'), 'focus did not move to the reason');
      await fill(el, '#reason', 'damaged');
      getPart(el, 'submit-button').click();
      await waitUntil(() => focused(el) === control(el, '#resolution'), 'focus did not move to the resolution');
      expect(posts).to.have.length(0);
    });
  });

  describe('submitting', () => {
    it('sends the return through the outbox and shows its number, status and label', async () => {
      const posts: Call[] = [];
      serve(lookupHandler(), returnsHandler(posts));
      const el = await mount();
      await lookUp(el);
      await choose(el);
      const submitted = oneEvent(el, 'encore-return-submit') as Promise<CustomEvent<ReturnSubmitDetail>>;
      getPart(el, 'submit-button').click();

      const event = await submitted;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail).to.deep.equal({
        number: 'R-7KQ2M9',
        status: 'requested',
        labelUrl: 'https://labels.example.com/return/R-7KQ2M9',
        resolution: 'refund',
        items: [{ productId: 'prd_sencha', quantity: 2 }],
      });
      expect(text(await waitForPart(el, 'return-number'))).to.equal('R-7KQ2M9');
      expect(text(getPart(el, 'status'))).to.equal('Requested');
      expect(text(getPart(el, 'result'))).to.contain('Return requested').and.contain('Return number: R-7KQ2M9').and.contain('Status: Requested');
      const label = getPart<HTMLAnchorElement>(el, 'label-link');
      expect(label.href).to.equal('https://labels.example.com/return/R-7KQ2M9');
      expect(label.target).to.equal('_blank');
      expect(label.rel).to.equal('noopener');
      expect(text(label)).to.equal('Print the return label (opens in a new tab)');
      await waitUntil(() => focused(el) === control(el, '#done'), 'focus did not move to the result');
      await expect(el).to.be.accessible();

      expect(posts).to.have.length(1);
      expect(posts[0]!.body).to.deep.equal({ lookupToken: 'lt_first', items: [{ productId: 'prd_sencha', quantity: 2 }], reason: 'too_small', resolution: 'refund' });
      expect(posts[0]!.headers.get('Idempotency-Key')).to.match(/^[0-9a-f]{32}$/);
      expect(storedReturns(), 'acknowledged: nothing left in the outbox').to.deep.equal([]);
    });

    it('sends every chosen item with its quantity', async () => {
      const posts: Call[] = [];
      serve(lookupHandler(), returnsHandler(posts));
      const el = await mount();
      await lookUp(el);
      await choose(el);
      checkbox(el, 'Tetsubin Kettle').click();
      await el.updateComplete;
      await click(el, 'input[name=resolution][value=store_credit]');
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'return-number');
      expect(posts[0]!.body).to.deep.equal({
        lookupToken: 'lt_first',
        items: [
          { productId: 'prd_sencha', quantity: 2 },
          { productId: 'prd_kettle', quantity: 1 },
        ],
        reason: 'too_small',
        resolution: 'store_credit',
      });
    });

    it('names the item that can no longer be returned (409 item_not_returnable)', async () => {
      const posts: Call[] = [];
      serve(
        lookupHandler(),
        returnsHandler(posts, (call, index) =>
          index ? HttpResponse.json(created(call.body as Parameters<typeof created>[0]), { status: 201 }) : problemWith(409, 'item_not_returnable', { field: '/items/1' }),
        ),
      );
      const el = await mount();
      await lookUp(el);
      await choose(el);
      checkbox(el, 'Tetsubin Kettle').click();
      await el.updateComplete;
      await click(el, 'input[name=resolution][value=exchange]');
      getPart(el, 'submit-button').click();

      const error = await waitForPart(el, 'error');
      expect(text(error)).to.equal('Tetsubin Kettle can no longer be returned this way. Change your choice.');
      await waitUntil(() => focused(el) === error, 'focus did not move to the message');
      expect(posts).to.have.length(1); // a 409 is an answer, not a fault
      expect(part(el, 'return-number')).to.equal(null);
      await expect(el).to.be.accessible();

      // Without the kettle, a new request with a new key goes through.
      checkbox(el, 'Tetsubin Kettle').click();
      await el.updateComplete;
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'return-number');
      expect(posts).to.have.length(2);
      expect(posts[1]!.headers.get('Idempotency-Key')).not.to.equal(posts[0]!.headers.get('Idempotency-Key'));
    });

    it('asks to look up again when the lookup has expired (401), keeping the choices', async () => {
      const lookups: Call[] = [];
      const posts: Call[] = [];
      serve(
        lookupHandler(lookups, (_call, index) => HttpResponse.json(found({ lookupToken: index ? 'lt_second' : 'lt_first' }))),
        returnsHandler(posts, (call) =>
          (call.body as { lookupToken: string }).lookupToken === 'lt_first'
            ? problem(401, 'lookup_expired', 'Lookup expired')
            : HttpResponse.json(created(call.body as Parameters<typeof created>[0]), { status: 201 }),
        ),
      );
      const el = await mount();
      await lookUp(el);
      await choose(el);
      getPart(el, 'submit-button').click();

      const error = await waitForPart(el, 'error');
      expect(text(error)).to.equal('This lookup has expired. Look up your order again.');
      const again = getPart<HTMLButtonElement>(el, 'retry-button');
      expect(text(again)).to.equal('Look up again');
      expect(part(el, 'submit-button')).to.equal(null);
      await expect(el).to.be.accessible();

      again.click();
      await waitUntil(() => lookups.length === 2 && part(el, 'submit-button'), 'the items did not come back');
      expect(lookups[1]!.body).to.deep.equal(lookups[0]!.body);
      expect(checkbox(el, 'Sencha Green Tea').checked, 'choices kept').to.equal(true);
      expect(getPart<HTMLSelectElement>(el, 'quantity').value).to.equal('2');
      expect(getPart<HTMLSelectElement>(el, 'reason').value).to.equal('too_small');
      expect(control(el, 'input[name=resolution][value=refund]').checked).to.equal(true);

      getPart(el, 'submit-button').click();
      await waitForPart(el, 'return-number');
      expect((posts[1]!.body as { lookupToken: string }).lookupToken).to.equal('lt_second');
      expect(posts[1]!.headers.get('Idempotency-Key'), 'a new token, a new request').not.to.equal(posts[0]!.headers.get('Idempotency-Key'));
    });

    it('keeps one Idempotency-Key per return: delivered once after failed sends, with a clear message meanwhile', async () => {
      const posts: Call[] = [];
      let online = false;
      serve(
        lookupHandler(),
        returnsHandler(posts, (call) => (online ? HttpResponse.json(created(call.body as Parameters<typeof created>[0]), { status: 201 }) : HttpResponse.error())),
      );
      const el = await mount();
      await lookUp(el);
      await choose(el);
      const events: Array<CustomEvent<ReturnSubmitDetail>> = [];
      el.addEventListener('encore-return-submit', (e) => events.push(e));
      getPart(el, 'submit-button').click();

      const queued = await waitForPart(el, 'queued');
      expect(text(queued)).to.equal('Saved. We’ll send it when the connection is back.');
      expect(queued.getAttribute('role')).to.equal('status');
      expect(getPart(el, 'submit-button').getAttribute('aria-disabled')).to.equal('true');
      expect(posts.length).to.be.at.least(2); // the client's own retry
      expect(storedReturns()).to.have.length(1);
      await expect(el).to.be.accessible();

      // Pressing submit again while it is on its way sends nothing new.
      getPart(el, 'submit-button').click();
      online = true;
      dispatchEvent(new Event('online'));
      expect(text(await waitForPart(el, 'return-number'))).to.equal('R-7KQ2M9');
      expect(part(el, 'queued')).to.equal(null);
      const attempts = posts.length;
      await aTimeout(300);
      expect(posts, 'nothing is sent after the acknowledgement').to.have.length(attempts);
      expect(new Set(posts.map((p) => p.headers.get('Idempotency-Key'))).size, 'one key for every attempt').to.equal(1);
      expect(posts.every((p) => JSON.stringify(p.body) === JSON.stringify(posts[0]!.body))).to.equal(true);
      expect(events, 'delivered once, announced once').to.have.length(1);
      expect(storedReturns()).to.deep.equal([]);
    });

    it('sends the same request again under the same key after a reply it could not read', async () => {
      const posts: Call[] = [];
      serve(
        lookupHandler(),
        returnsHandler(posts, (call, index) =>
          index ? HttpResponse.json(created(call.body as Parameters<typeof created>[0]), { status: 201 }) : HttpResponse.json({ number: 7 }, { status: 201 }),
        ),
      );
      const el = await mount();
      await lookUp(el);
      await choose(el);
      getPart(el, 'submit-button').click();
      expect(text(await waitForPart(el, 'error'))).to.equal('Something went wrong on our side.');
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'return-number');
      expect(posts).to.have.length(2);
      expect(posts[1]!.headers.get('Idempotency-Key'), 'the server may have created it: the same key replays it').to.equal(posts[0]!.headers.get('Idempotency-Key'));
    });

    it('shows no label link for a label URL that is not http(s)', async () => {
      serve(
        lookupHandler(),
        returnsHandler([], (call) => HttpResponse.json(created(call.body as Parameters<typeof created>[0], { labelUrl: 'javascript:alert(1)' }), { status: 201 })),
      );
      const el = await mount();
      await lookUp(el);
      await choose(el);
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'return-number');
      expect(part(el, 'label-link')).to.equal(null);
    });
  });

  describe('portal-url', () => {
    it('hands the verified order to the returns portal instead of the item form', async () => {
      serve(lookupHandler());
      const el = await mount(html`<encore-returns-entry portal-url="https://returns.example.com/start?shop=kt"></encore-returns-entry>`);
      const looked = oneEvent(el, 'encore-return-lookup') as Promise<CustomEvent<ReturnLookupDetail>>;
      await lookUp(el);
      expect((await looked).detail.orderNumber).to.equal('KT-1001');
      const link = getPart<HTMLAnchorElement>(el, 'portal-link');
      expect(text(link)).to.equal('Continue to the returns portal');
      const url = new URL(link.href);
      expect(url.origin + url.pathname).to.equal('https://returns.example.com/start');
      expect(Object.fromEntries(url.searchParams)).to.deep.equal({ shop: 'kt', order: 'KT-1001', token: 'lt_first' });
      expect(parts(el, 'item')).to.have.length(0);
      expect(part(el, 'submit-button')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    for (const bad of ['javascript:alert(document.domain)', 'data:text/html,hi', '']) {
      it(`ignores portal-url="${bad}" and keeps the normal flow`, async () => {
        serve(lookupHandler());
        const el = await mount(html`<encore-returns-entry portal-url=${bad}></encore-returns-entry>`);
        await lookUp(el);
        expect(part(el, 'portal-link')).to.equal(null);
        expect(parts(el, 'item')).to.have.length(6);
      });
    }
  });

  describe('keyboard', () => {
    it('completes the whole flow with the keyboard alone', async () => {
      const lookups: Call[] = [];
      const posts: Call[] = [];
      serve(lookupHandler(lookups), returnsHandler(posts));
      const el = await mount();

      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'order-input'));
      await sendKeys({ type: 'KT-1001' });
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(control(el, 'input[name=kind][value=email]'));
      await sendKeys({ press: 'ArrowRight' }); // postal code
      await el.updateComplete;
      expect(control(el, 'input[name=kind][value=postalCode]').checked).to.equal(true);
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'contact-input'));
      expect(getPart<HTMLInputElement>(el, 'contact-input').getAttribute('autocomplete')).to.equal('postal-code');
      await sendKeys({ type: '150-0001' });
      await sendKeys({ press: 'Enter' });

      await waitUntil(() => focused(el) === el.shadowRoot!.querySelector('#found'), 'focus did not move to the order');
      expect(lookups[0]!.body).to.deep.equal({ orderNumber: 'KT-1001', postalCode: '150-0001' });
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'change-button'));
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(checkbox(el, 'Sencha Green Tea'));
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(checkbox(el, 'Sencha Green Tea').checked).to.equal(true);
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'quantity'));
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(getPart<HTMLSelectElement>(el, 'quantity').value).to.equal('2');
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(checkbox(el, 'Tetsubin Kettle'));
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'reason'));
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(getPart<HTMLSelectElement>(el, 'reason').value).to.equal('too_small');
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(control(el, 'input[name=resolution][value=refund]'));
      await sendKeys({ press: 'ArrowRight' }); // exchange
      await el.updateComplete;
      expect(control(el, 'input[name=resolution][value=exchange]').checked).to.equal(true);
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'submit-button'));
      await sendKeys({ press: 'Enter' });

      await waitUntil(() => focused(el) === el.shadowRoot!.querySelector('#done'), 'focus did not move to the result');
      expect(posts[0]!.body).to.deep.equal({ lookupToken: 'lt_first', items: [{ productId: 'prd_sencha', quantity: 2 }], reason: 'too_small', resolution: 'exchange' });
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(getPart(el, 'label-link'));
    });

    it('reaches every control, and each is at least 24 × 24 px', async () => {
      serve(lookupHandler());
      const el = await mount();
      await lookUp(el);
      await choose(el);
      const controls = el.shadowRoot!.querySelectorAll<HTMLElement>('input, select, button, a');
      expect(controls.length).to.be.above(8);
      for (const c of controls) {
        // A radio or checkbox counts with its label, which takes the click.
        const box = (c.matches('[type=radio], [type=checkbox]') ? c.closest('label')! : c).getBoundingClientRect();
        expect(box.width, `${c.outerHTML} width`).to.be.at.least(24);
        expect(box.height, `${c.outerHTML} height`).to.be.at.least(24);
      }
    });
  });

  describe('faults of the policy read (SPEC §4): a clear message and a retry that works', () => {
    const cases: Array<{ name: string; fail: () => Response | Promise<Response>; message: string; timeout?: number }> = [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.' },
      { name: 'a 500', fail: () => problem(500, 'internal', 'Internal Server Error'), message: 'Something went wrong on our side.' },
      { name: 'a timeout', fail: async () => (await delay(3000), HttpResponse.json(policy())), message: 'The rewards service took too long to answer.', timeout: 1000 },
      { name: 'malformed JSON', fail: () => new HttpResponse('{"refundDays": 3', { headers: { 'Content-Type': 'application/json' } }), message: 'Something went wrong on our side.' },
      { name: 'a reply of the wrong shape', fail: () => HttpResponse.json({ ...policy(), refundDays: '30' }), message: 'Something went wrong on our side.' },
      { name: 'a reply without reasons', fail: () => HttpResponse.json({ ...policy(), reasons: undefined }), message: 'Something went wrong on our side.' },
      { name: 'a 404 store', fail: () => problem(404, 'store_not_found'), message: 'Something went wrong.' },
      {
        name: 'a 429',
        fail: () => problemWith(429, 'rate_limited', { retryAfter: 120 }, { 'Retry-After': '120' }),
        message: 'Too many attempts. Try again in 2 minutes.',
      },
    ];
    for (const { name, fail, message, timeout } of cases) {
      it(`recovers from ${name}`, async () => {
        const calls: Call[] = [];
        let failing = true;
        serve(policyHandler(calls, () => (failing ? fail() : HttpResponse.json(policy()))));
        configure({ retries: 0, ...(timeout && { timeout }) });
        const el = await fixture<EncoreReturnsEntry>(html`<encore-returns-entry></encore-returns-entry>`);
        await waitForState(el, 'error');
        expect(text(getPart(el, 'error'))).to.equal(message);
        expect(getPart(el, 'error').getAttribute('role')).to.equal('alert');
        expect(part(el, 'order-input')).to.equal(null);
        await expect(el).to.be.accessible();
        failing = false;
        getPart(el, 'retry-button').click();
        await waitForState(el, 'data');
        expect(text(getPart(el, 'policy'))).to.equal(POLICY_EN);
        expect(calls).to.have.length(2);
      });
    }

    it('says it is not set up when no store is configured', async () => {
      configure({ store: '' });
      const el = await fixture<EncoreReturnsEntry>(html`<encore-returns-entry></encore-returns-entry>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('This widget is not set up yet (missing store or API address).');
    });
  });

  describe('locale', () => {
    const POLICY_JA = '30日以内は全額返金、90日以内は無料交換、90日以内はストアクレジット。ファイナルセール品は返品できません。';

    it('speaks Japanese with the locale attribute, in every state', async () => {
      let reply: () => Response = () => HttpResponse.json(found());
      serve(lookupHandler([], () => reply()), returnsHandler());
      const el = await mount(html`<encore-returns-entry locale="ja"></encore-returns-entry>`);
      expect(getPart(el, 'base').getAttribute('lang')).to.equal('ja');
      expect(text(getPart(el, 'policy'))).to.equal(POLICY_JA);
      expect(getPart<HTMLInputElement>(el, 'order-input').labels![0]!.textContent).to.equal('注文番号');
      expect(radioLabels(el, 'kind')).to.deep.equal(['メールアドレス', '郵便番号', '電話番号']);
      expect(text(getPart(el, 'lookup-button'))).to.equal('注文を検索');
      await expect(el).to.be.accessible();

      getPart(el, 'lookup-button').click();
      await el.updateComplete;
      expect(text(control(el, '#e-order'))).to.equal('入力してください。');

      reply = () => problem(404, 'order_lookup_failed');
      await lookUp(el);
      expect(text(getPart(el, 'error'))).to.equal('一致する注文が見つかりません。注文番号と連絡先をご確認ください。');
      reply = () => problemWith(429, 'rate_limited', { retryAfter: 900 }, { 'Retry-After': '900' });
      getPart(el, 'lookup-button').click();
      await waitUntil(() => getPart<HTMLButtonElement>(el, 'lookup-button').disabled, 'not rate-limited');
      expect(text(getPart(el, 'error'))).to.equal('試行回数が多すぎます。15 分後にもう一度お試しください。');
    });

    it('shows the items, reasons and result in Japanese (configured locale)', async () => {
      serve(lookupHandler(), returnsHandler());
      const el = await mount(undefined, { locale: 'ja' });
      await lookUp(el);
      expect(text(control(el, '#found'))).to.equal('注文番号 KT-1001');
      expect(text(row(el, 'Sencha Green Tea').querySelector('.hint'))).to.match(/^購入数：3 · [¥￥]1,200$/);
      expect(Array.from(row(el, 'Sencha Green Tea').querySelectorAll('[part~=badge]'), text)).to.deep.equal(['返金', '交換', 'ストアクレジット']);
      expect(text(row(el, 'Bamboo Whisk').querySelector('[part~=ineligible]'))).to.equal('返品期限を過ぎています。');
      expect(text(row(el, 'Seconds Tea Bowl').querySelector('[part~=ineligible]'))).to.equal('ファイナルセール品は返品できません。');
      expect(Array.from(getPart<HTMLSelectElement>(el, 'reason').options, (o) => o.text).slice(0, 3)).to.deep.equal(['選んでください', '小さい', '大きい']);
      await expect(el).to.be.accessible();
      await choose(el);
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'return-number');
      expect(text(getPart(el, 'status'))).to.equal('受付済み');
      expect(text(getPart(el, 'label-link'))).to.equal('返送ラベルを印刷 （新しいタブ）');
      await expect(el).to.be.accessible();
    });

    it('follows the page’s lang', async () => {
      const lang = document.documentElement.lang;
      document.documentElement.lang = 'ja-JP';
      try {
        const el = await mount();
        expect(text(getPart(el, 'policy'))).to.equal(POLICY_JA);
      } finally {
        document.documentElement.lang = lang;
      }
    });
  });

  describe('registration', () => {
    it('defining the tag again does not throw', () => {
      expect(() => define('encore-returns-entry', EncoreReturnsEntry)).not.to.throw();
      expect(customElements.get('encore-returns-entry')).to.equal(EncoreReturnsEntry);
    });
  });
});
