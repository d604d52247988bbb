/**
 * The test harness for the widgets: a mocked Encore API (msw's service worker), per-test
 * configuration, a realistic session, and helpers that read a widget the way a shopper does
 * (by its parts and text).
 *
 * It does not import any widget, so a test file decides what is defined (the loader test needs
 * an undefined page).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { setupWorker } from 'msw/browser';
import type { Member, ReferralInfo, Redemption, Reward, ReturnPolicy, Session } from '../../contract/types.ts';
import { ApiError } from '../../src/core/errors.ts';
import { encoreGlobal, type EncoreConfig } from '../../src/core/global.ts';

/** The mocked API's origin: no such host exists, so only the worker can answer. */
export const API = 'https://api.encore.test';
export const SESSION = `${API}/v1/stores/:store/session`;
export const REDEMPTIONS = `${API}/v1/stores/:store/loyalty/redemptions`;

export const worker = setupWorker();

/** Requests that reached the worker with no handler: each one fails the test that made it. */
const unhandled: string[] = [];
/** Uncaught exceptions and unhandled rejections on the page: each one fails the test. */
const uncaught: unknown[] = [];

let started: Promise<unknown> | undefined;
export function startWorker(): Promise<unknown> {
  started ??= worker.start({
    quiet: true,
    serviceWorker: { url: '/mockServiceWorker.js' },
    onUnhandledRequest(request, print) {
      // The test runner's own files (modules, the web socket) are not the API.
      if (new URL(request.url).origin === location.origin) return;
      unhandled.push(`${request.method} ${request.url}`);
      print.error();
    },
  });
  return started;
}

addEventListener('error', (event) => {
  // Chromium reports this benign notice as an error event; it is not an exception.
  if (/ResizeObserver loop/.test(event.message)) return;
  uncaught.push(event.error ?? event.message);
});
addEventListener('unhandledrejection', (event) => uncaught.push(event.reason));

before(async () => {
  // Widgets load when near the viewport and keyboard tests need focus: a hidden page can do neither.
  if (document.visibilityState !== 'visible') throw new Error('The test page is hidden; see createPage in web-test-runner.config.mjs.');
  await startWorker();
});

afterEach(function () {
  worker.resetHandlers();
  const leftovers = [...unhandled.splice(0), ...uncaught.splice(0)];
  // Fails the test that just ran, not the hook, so the rest of the file still runs.
  if (leftovers.length) (this.test as Mocha.Hook).error(new Error(`Unhandled during the test: ${leftovers.map(String).join('; ')}`));
});

/** Adds handlers for this test (removed after it). */
export function serve(...handlers: RequestHandler[]): void {
  worker.use(...handlers);
}

let stores = 0;

/**
 * Configures `window.Encore` for one test with a store id of its own, so the client's reply
 * sharing never carries a reply from one test into the next, and with short timeouts and few
 * retries so fault tests stay fast. Returns the configuration used.
 */
export function configure(patch: Partial<EncoreConfig> = {}): Readonly<EncoreConfig> {
  const encore = encoreGlobal();
  encore.configure({
    api: API,
    store: `test-store-${++stores}-${Math.random().toString(36).slice(2, 8)}`,
    customerToken: null,
    locale: '',
    messages: {},
    retries: 1,
    timeout: 2000,
    ...patch,
  });
  return encore.config;
}

/** A member of the demo yen store: Bronze, 660 points from Silver, 120 points expiring soon. */
export function member(patch: Partial<Member> = {}): Member {
  return {
    id: 'cus_hanako',
    name: 'Hanako Sato',
    balance: 1840,
    tierPoints: 1840,
    tier: 'bronze',
    nextTier: 'silver',
    expiring: { points: 120, date: '2026-01-15T00:00:00.000Z' },
    ...patch,
  };
}

export const rewards: Reward[] = [
  { id: 'rw_500_off', name: '¥500 off', kind: 'amount_off', cost: 500, value: 500 },
  { id: 'rw_free_shipping', name: 'Free shipping', kind: 'free_shipping', cost: 800, value: 0 },
  { id: 'rw_10_percent', name: '10% off', kind: 'percent_off', cost: 2000, value: 10 },
];

/** The demo shopper's referral link and stats. */
export function referralInfo(patch: Partial<ReferralInfo> = {}): ReferralInfo {
  return {
    code: 'HANA-7K2Q',
    url: 'https://shop.example.jp/?ref=HANA-7K2Q',
    referrerReward: { points: 500 },
    friendReward: { kind: 'amount_off', value: 500, currency: 'JPY' },
    stats: { visits: 12, friends: 3, pending: 2, pointsEarned: 1500 },
    ...patch,
  };
}

/** The demo store's return policy. */
export function returnPolicy(patch: Partial<ReturnPolicy> = {}): ReturnPolicy {
  return {
    refundDays: 30,
    exchangeDays: 90,
    storeCreditDays: 90,
    finalSaleReturnable: false,
    reasons: ['too_small', 'too_large', 'damaged', 'not_as_described', 'changed_mind', 'other', 'gift_duplicate'],
    currency: 'JPY',
    ...patch,
  };
}

type Sections = Pick<Session, 'referral' | 'nps' | 'pendingReviews' | 'returnPolicy'>;

/**
 * A realistic session of the demo store (yen, bilingual); `customer: null` is a guest. A member's
 * session has their referral link and no order to rate; every session asks the NPS question.
 */
export function session(
  customer: Member | null = member(),
  patch: { store?: Partial<Session['store']>; program?: Partial<Session['program']> } & Partial<Sections> = {},
): Session {
  const { store: _store, program: _program, ...sections } = patch;
  return {
    referral: customer ? referralInfo() : null,
    nps: { ask: true, reason: null, nextAskAt: null },
    pendingReviews: customer ? { orderId: null, items: [], pointsPerReview: 0 } : null,
    returnPolicy: returnPolicy(),
    ...sections,
    store: {
      id: 'demo-store',
      name: 'Sakura Tea House',
      currency: 'JPY',
      locale: 'ja',
      links: { signIn: 'https://shop.example.jp/account/login', join: 'https://shop.example.jp/account/register' },
      messages: {},
      ...patch.store,
    },
    program: {
      welcomePoints: 200,
      earn: [
        { kind: 'purchase', points: 1, per: 100 },
        { kind: 'signup', points: 200 },
        { kind: 'review', points: 50 },
        { kind: 'referral', points: 500 },
        { kind: 'birthday', points: 300 },
      ],
      tiers: [
        { id: 'bronze', name: 'Bronze', threshold: 0, perks: [] },
        { id: 'silver', name: 'Silver', threshold: 2500, perks: ['Free shipping on every order'] },
        { id: 'gold', name: 'Gold', threshold: 6000, perks: ['Free shipping on every order', 'Double points days'] },
      ],
      rewards: rewards.map((reward) => ({ ...reward })),
      expiryDays: 365,
      ...patch.program,
    },
    customer,
  };
}

export function redemption(patch: Partial<Redemption> = {}): Redemption {
  return {
    id: 'red_0001',
    rewardId: 'rw_500_off',
    pointsSpent: 500,
    code: 'ENC-7Q4M-XK2P',
    balance: 1340,
    createdAt: '2025-11-20T09:30:00.000Z',
    ...patch,
  };
}

/** An `application/problem+json` reply, as the server sends for every error. */
export function problem(status: number, code: string, title = code, headers: Record<string, string> = {}): HttpResponse<string> {
  return new HttpResponse(JSON.stringify({ type: `https://encore.dev/problems/${code}`, title, status, code }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

export interface Call {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** A handler for `GET /session` that records each call; `reply` decides the answer per call. */
export function sessionHandler(calls: Call[], reply: (call: Call, index: number) => Response | Promise<Response> = () => HttpResponse.json(session())) {
  return http.get(SESSION, async ({ request }) => {
    const call = { method: request.method, url: request.url, headers: request.headers, body: undefined };
    calls.push(call);
    return reply(call, calls.length - 1);
  });
}

/**
 * A handler for `GET /session` whose `section` is what `reply` answers, as that section's own
 * endpoint would: a JSON reply becomes the section of `base(call)` (a member's session by default), anything else (a problem, a network
 * error, a reply that is not JSON) answers the whole read. Records each call.
 */
export function sectionHandler<K extends keyof Sections>(
  section: K,
  calls: Call[],
  reply: (call: Call, index: number) => Response | Promise<Response>,
  base: (call: Call) => Session = () => session(),
) {
  return sessionHandler(calls, async (call, index) => {
    const response = await reply(call, index);
    if (!response.ok || !/json/.test(response.headers.get('Content-Type') ?? '')) return response;
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return new HttpResponse(text, { status: response.status, headers: response.headers });
    }
    return HttpResponse.json({ ...base(call), [section]: value }, { status: response.status });
  });
}

/** A handler for `POST /loyalty/redemptions` that records each call. */
export function redeemHandler(calls: Call[], reply: (call: Call, index: number) => Response | Promise<Response> = () => HttpResponse.json(redemption(), { status: 201 })) {
  return http.post(REDEMPTIONS, async ({ request }) => {
    const text = await request.text();
    const call = { method: request.method, url: request.url, headers: request.headers, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    return reply(call, calls.length - 1);
  });
}

/** The ApiError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the promise to reject');
}

/** A promise the test resolves when it wants a delayed reply to go out. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

// ---------------------------------------------------------------------------------------------
// Reading a widget

function root(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`<${el.localName}> has no shadow root`);
  return el.shadowRoot;
}

/** The first element with this part in the widget, or null. */
export function part<T extends HTMLElement = HTMLElement>(el: Element, name: string): T | null {
  return root(el).querySelector<T>(`[part~="${name}"]`);
}

/** Every element with this part. */
export function parts<T extends HTMLElement = HTMLElement>(el: Element, name: string): T[] {
  return Array.from(root(el).querySelectorAll<T>(`[part~="${name}"]`));
}

/** The element with this part; fails the test when it is missing. */
export function getPart<T extends HTMLElement = HTMLElement>(el: Element, name: string): T {
  const found = part<T>(el, name);
  if (!found) throw new Error(`No part "${name}" in <${el.localName}>: ${text(root(el))}`);
  return found;
}

/** Visible text with whitespace collapsed. */
export function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Everything the widget says, as one string. */
export function widgetText(el: Element): string {
  return text(root(el));
}

/** The element focused inside the widget (through its shadow root). */
export function focused(el: Element): Element | null {
  return root(el).activeElement;
}

/** Waits until the widget shows this part. */
export async function waitForPart<T extends HTMLElement = HTMLElement>(el: Element, name: string, timeout = 5000): Promise<T> {
  await waitUntil(() => part(el, name) !== null, `part "${name}" never appeared`, { timeout, interval: 10 });
  return getPart<T>(el, name);
}

export type State = 'loading' | 'data' | 'error';

/** Waits until the widget is in a state: loading (skeleton), data (the card), error. */
export async function waitForState(el: Element, state: State, timeout = 5000): Promise<void> {
  const is = (): boolean => {
    if (state === 'loading') return part(el, 'skeleton') !== null;
    if (state === 'error') return part(el, 'error-state') !== null;
    return part(el, 'skeleton') === null && part(el, 'error-state') === null && part(el, 'base') !== null;
  };
  await waitUntil(is, `the widget never reached the ${state} state: ${el.shadowRoot ? widgetText(el) : ''}`, { timeout, interval: 10 });
  await (el as Element & { updateComplete?: Promise<unknown> }).updateComplete;
}

/**
 * Connects `el` and notes where every element of its shadow root is at its first render with data
 * (the first render for which `ready` holds): a first render with data comes in two tasks
 * (`later()` in src/core/element.ts), and the second may add content but must move nothing the
 * first showed (a skeleton part it kept may have its placeholder inside replaced). `unmoved()`,
 * once the widget has its data, checks exactly that.
 */
export function watchFirstPass(el: HTMLElement & { addController(controller: { hostUpdated(): void }): void }, ready: () => boolean): { shown: () => number; unmoved: () => void } {
  let first: Array<[Element, number, number]> | undefined;
  el.addController({
    hostUpdated: () => {
      if (first || !ready()) return;
      // What has a box now (a hidden control shown later, by the widget's own measuring, is not
      // "moved"), bar the inside of a skeleton part: a placeholder that its content replaces.
      const shown = [...el.shadowRoot!.querySelectorAll('*')].filter((node) => node.getClientRects().length > 0 && !node.parentElement?.closest('[part~="skeleton"]'));
      first = shown.map((node) => [node, node.getBoundingClientRect().top, node.getBoundingClientRect().left]);
    },
  });
  document.body.append(el);
  return {
    /** How many elements had a box at the first render with data. */
    shown: () => first?.length ?? 0,
    unmoved: () => {
      expect(first, 'no render with data was seen').not.to.equal(undefined);
      for (const [node, top, left] of first!) {
        const now = node.getBoundingClientRect();
        expect([node.isConnected, now.top, now.left], `<${node.localName} part="${node.getAttribute('part') ?? ''}">`).to.deep.equal([true, top, left]);
      }
    },
  };
}
