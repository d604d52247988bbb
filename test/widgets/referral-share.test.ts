import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { delay, http, HttpResponse } from 'msw';
import type { ReferralInfo, ReferralVisit, Session } from '../../contract/types.ts';
import { offerKey, recordReferralVisit, type ReferralVisitDetail } from '../../src/referral-visit.ts';
import { EncoreReferralShare } from '../../src/widgets/referral-share/define.ts';
import type { ReferralCopyDetail, ReferralShareDetail } from '../../src/widgets/referral-share/referral-share.ts';
import { API, configure, focused, gate, getPart, member, part, parts, problem, sectionHandler, serve, session, sessionHandler, text, waitForPart, waitForState, widgetText, type Call } from './support.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig';
const VISITS = `${API}/v1/stores/:store/referrals/visits`;
const LINK = 'https://shop.example.jp/?ref=HANA-7K2Q';

function info(patch: Partial<ReferralInfo> = {}): ReferralInfo {
  return {
    code: 'HANA-7K2Q',
    url: LINK,
    referrerReward: { points: 500 },
    friendReward: { kind: 'amount_off', value: 500, currency: 'JPY' },
    stats: { visits: 12, friends: 3, pending: 2, pointsEarned: 1500 },
    ...patch,
  };
}

function visit(patch: Partial<ReferralVisitDetail> = {}): ReferralVisitDetail {
  return {
    code: 'HANA-7K2Q',
    visitId: 'vis_0001',
    expiresAt: new Date(Date.now() + 30 * 864e5).toISOString(),
    offer: { kind: 'amount_off', value: 500, currency: 'JPY', code: 'FRIEND-9XK2' },
    referrerName: 'Hana',
    ...patch,
  };
}

/**
 * The page's session read, whose `referral` section is what `reply` answers (as GET /referrals/me
 * would), on a member's session (or `base`); records each call.
 */
function meHandler(calls: Call[], reply: (call: Call, index: number) => Response | Promise<Response> = () => HttpResponse.json(info()), base?: () => Session) {
  return sectionHandler('referral', calls, reply, base);
}

/** A signed-in shopper's widget with its data on screen. */
async function signedIn(options: { sessions?: Call[]; reply?: Parameters<typeof meHandler>[1]; locale?: string } = {}): Promise<EncoreReferralShare> {
  serve(meHandler(options.sessions ?? [], options.reply));
  configure({ customerToken: TOKEN, locale: options.locale ?? '' });
  const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
  await waitForState(el, 'data');
  return el;
}

/** A guest's widget (no token: the session only). */
async function guest(sessions: Call[] = [], locale = '', reply?: Parameters<typeof sessionHandler>[1]): Promise<EncoreReferralShare> {
  serve(sessionHandler(sessions, reply ?? (() => HttpResponse.json(session(null)))));
  const config = configure({ locale });
  const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
  await waitForState(el, 'data');
  expect(config.customerToken).to.equal(null);
  return el;
}

/** Keeps a friend's offer for a store, as src/referral-visit.ts does after a recorded visit. */
function keepOffer(store: string, detail: unknown = visit()): void {
  kept.add(offerKey(store));
  localStorage.setItem(offerKey(store), typeof detail === 'string' ? detail : JSON.stringify(detail));
}

/** The offers this test kept (removed after it). */
const kept = new Set<string>();

type Share = (data?: ShareData) => Promise<void>;

/** Runs `body` with `navigator.share` replaced (undefined: a browser without a share sheet). */
async function withShare(share: Share | undefined, body: () => Promise<void>): Promise<void> {
  const own = Object.getOwnPropertyDescriptor(navigator, 'share');
  Object.defineProperty(navigator, 'share', { value: share, configurable: true, writable: true });
  try {
    await body();
  } finally {
    if (own) Object.defineProperty(navigator, 'share', own);
    else delete (navigator as { share?: unknown }).share;
  }
}

/** Runs `body` with the Clipboard API's writeText replaced. */
async function withWriteText(writeText: (text: string) => Promise<void>, body: () => Promise<void>): Promise<void> {
  const clipboard = navigator.clipboard as Clipboard & { writeText: Clipboard['writeText'] };
  clipboard.writeText = writeText;
  try {
    await body();
  } finally {
    delete (clipboard as Partial<Clipboard>).writeText;
  }
}

const refused = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));

/** Each stat as [term, value]. */
function statPairs(stats: HTMLElement): string[][] {
  return Array.from(stats.querySelectorAll('div'), (row) => [text(row.querySelector('dt')), text(row.querySelector('dd'))]);
}

function status(el: Element): string {
  return text(el.shadowRoot!.querySelector('[role="status"]'));
}

describe('<encore-referral-share>', () => {
  afterEach(() => {
    // Only this test's stores: other test files run at the same time on the same localStorage.
    kept.add(offerKey(window.Encore.config.store));
    for (const key of kept) localStorage.removeItem(key);
    kept.clear();
  });

  it('is accessible when signed in', async () => {
    const el = await signedIn();
    await expect(el).to.be.accessible();
  });

  describe('loading', () => {
    async function heights(token: string | null, reply: () => Response, offer = false, width = '40rem'): Promise<{ loading: number; loaded: number; el: EncoreReferralShare }> {
      const open = gate();
      // Signed in, `reply` is the referral section; for a guest, the whole session.
      serve((token ? meHandler : sessionHandler)([], async () => (await open.wait, reply())));
      const config = configure({ customerToken: token });
      if (offer) keepOffer(config.store);
      const wrapper = await fixture(html`<div style="inline-size: ${width}"><encore-referral-share></encore-referral-share></div>`);
      const el = wrapper.querySelector('encore-referral-share')!;
      const skeleton = await waitForPart(el, 'skeleton');
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(widgetText(el)).to.equal('Loading…');
      await expect(el).to.be.accessible();
      const loading = el.getBoundingClientRect().height;
      open.open();
      await waitForState(el, 'data');
      return { loading, loaded: el.getBoundingClientRect().height, el };
    }

    it('reserves the signed-in card’s height (within 10%)', async () => {
      const { loading, loaded } = await heights(TOKEN, () => HttpResponse.json(info()));
      console.log(`[encore] referral-share signed in: skeleton ${loading}px, card ${loaded}px`);
      expect(Math.abs(loaded - loading) / loaded).to.be.below(0.1);
    });

    it('reserves the card’s height on a phone-sized card too (within 10%)', async () => {
      for (const [token, reply] of [
        [TOKEN, () => HttpResponse.json(info())],
        [null, () => HttpResponse.json(session(null))],
      ] as const) {
        const { loading, loaded } = await heights(token, reply, false, '360px');
        console.log(`[encore] referral-share ${token ? 'signed in' : 'guest'}, 360px wide: skeleton ${loading}px, card ${loaded}px`);
        expect(Math.abs(loaded - loading) / loaded).to.be.below(0.1);
      }
    });

    it('reserves the height of a referred friend’s card (within 10%)', async () => {
      let { loading, loaded } = await heights(null, () => HttpResponse.json(session(null)), true);
      console.log(`[encore] referral-share referred guest: skeleton ${loading}px, card ${loaded}px`);
      expect(Math.abs(loaded - loading) / loaded).to.be.below(0.1);
      ({ loading, loaded } = await heights(TOKEN, () => HttpResponse.json(info()), true));
      console.log(`[encore] referral-share referred shopper: skeleton ${loading}px, card ${loaded}px`);
      expect(Math.abs(loaded - loading) / loaded).to.be.below(0.1);
    });

    it('reserves the guest card’s height (within 10%)', async () => {
      const { loading, loaded } = await heights(null, () => HttpResponse.json(session(null)));
      console.log(`[encore] referral-share guest: skeleton ${loading}px, card ${loaded}px`);
      expect(Math.abs(loaded - loading) / loaded).to.be.below(0.1);
    });
  });

  describe('signed in', () => {
    it('shows both rewards, the link, the stats, in the store’s currency', async () => {
      const sessions: Call[] = [];
      const el = await signedIn({ sessions });

      expect(parts(el, 'rewards').map(text)).to.deep.equal(['You get 500 points per referral Friends get ¥500 off their first order']);
      const link = getPart<HTMLInputElement>(el, 'link');
      expect(link.value).to.equal(LINK);
      expect(link.readOnly).to.equal(true);
      expect(link.labels![0]!.textContent).to.equal('Your referral link');
      expect(text(getPart(el, 'copy-button'))).to.equal('Copy link');
      const stats = getPart(el, 'stats');
      expect(statPairs(stats)).to.deep.equal([
        ['Friends joined', '3'],
        ['Points earned', '1,500 points'],
        ['Visitors', '12'],
      ]);
      expect(part(el, 'empty')).to.equal(null);
      expect(part(el, 'join-link')).to.equal(null);

      // One read, the page's session, with the shopper's token.
      expect(sessions).to.have.length(1);
      expect(sessions[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(new URL(sessions[0]!.url).pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/session$/);
    });

    it('makes a link the server gives as a path into a whole address', async () => {
      const el = await signedIn({ reply: () => HttpResponse.json(info({ url: '/?ref=HANA-7K2Q' })) });
      expect(getPart<HTMLInputElement>(el, 'link').value).to.equal(`${location.origin}/?ref=HANA-7K2Q`);
      expect(getPart<HTMLAnchorElement>(el, 'channel--facebook').href).to.contain(encodeURIComponent(`${location.origin}/?ref=HANA-7K2Q`));
    });

    it('formats a percentage and another currency', async () => {
      let el = await signedIn({ reply: () => HttpResponse.json(info({ friendReward: { kind: 'percent_off', value: 15, currency: 'JPY' } })) });
      expect(text(getPart(el, 'rewards'))).to.contain('Friends get 15% off their first order');
      el = await signedIn({ reply: () => HttpResponse.json(info({ friendReward: { kind: 'amount_off', value: 1000, currency: 'USD' } })) });
      expect(text(getPart(el, 'rewards'))).to.contain('Friends get $10.00 off their first order');
    });

    it('says so when nobody used the link yet', async () => {
      const el = await signedIn({ reply: () => HttpResponse.json(info({ stats: { visits: 0, friends: 0, pending: 0, pointsEarned: 0 } })) });
      expect(text(getPart(el, 'empty'))).to.equal('No one has used your link yet.');
      expect(Array.from(getPart(el, 'stats').querySelectorAll('dd'), text)).to.deep.equal(['0', '0 points', '0']);
      await expect(el).to.be.accessible();
    });

    it('links to every channel with the message and the link, encoded', async () => {
      const el = await signedIn();
      const links = parts<HTMLAnchorElement>(el, 'channel');
      expect(links.map(text)).to.deep.equal(['E-mail', 'LINE', 'X', 'Facebook', 'WhatsApp']);
      const message = 'Here’s ¥500 off your first order at Sakura Tea House. Use my link:';
      const full = encodeURIComponent(`${message} ${LINK}`);
      expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
        `mailto:?subject=${encodeURIComponent('A gift for you from Sakura Tea House')}&body=${full}`,
        `https://social-plugins.line.me/lineit/share?url=${encodeURIComponent(LINK)}&text=${encodeURIComponent(message)}`,
        `https://x.com/intent/post?text=${full}`,
        `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(LINK)}`,
        `https://wa.me/?text=${full}`,
      ]);
      // Web channels open in a new tab without a handle on this page; e-mail opens the mail app.
      expect(links.map((a) => [a.target, a.rel])).to.deep.equal([
        ['', 'noopener'],
        ['_blank', 'noopener'],
        ['_blank', 'noopener'],
        ['_blank', 'noopener'],
        ['_blank', 'noopener'],
      ]);
      // Each is a target of at least 24×24 CSS px.
      for (const target of [...links, getPart(el, 'copy-button')]) {
        const box = target.getBoundingClientRect();
        expect(box.width).to.be.at.least(24);
        expect(box.height).to.be.at.least(24);
      }
    });

    it('fires encore-referral-share when a channel is opened', async () => {
      const el = await signedIn();
      const line = getPart<HTMLAnchorElement>(el, 'channel--line');
      el.addEventListener('click', (event) => event.preventDefault(), { once: true }); // stay on the test page
      const shared = oneEvent(el, 'encore-referral-share') as Promise<CustomEvent<ReferralShareDetail>>;
      line.click();
      const event = await shared;
      expect(event.detail).to.deep.equal({ code: 'HANA-7K2Q', url: LINK, channel: 'line' });
      expect(event.bubbles && event.composed).to.equal(true);
    });

    it('renders text from the server as text, never as HTML', async () => {
      const name = '<img src=x onerror="window.__encorePwned = true">Tea';
      serve(meHandler([], () => HttpResponse.json(info({ url: `${LINK}"><img src=x>` })), () => session(member(), { store: { name } })));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'data');
      await aTimeout(50);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect(getPart<HTMLAnchorElement>(el, 'channel--x').getAttribute('href')).to.contain(encodeURIComponent(name));
      expect((window as unknown as { __encorePwned?: boolean }).__encorePwned).to.equal(undefined);
    });

    it('shares the request of two widgets on one page', async () => {
      const sessions: Call[] = [];
      serve(meHandler(sessions));
      configure({ customerToken: TOKEN });
      const wrapper = await fixture(html`<div><encore-referral-share></encore-referral-share><encore-referral-share></encore-referral-share></div>`);
      const [a, b] = Array.from(wrapper.querySelectorAll('encore-referral-share'));
      await waitForState(a!, 'data');
      await waitForState(b!, 'data');
      expect(sessions).to.have.length(1);
    });

    it('reads nothing while far below the fold', async () => {
      const sessions: Call[] = [];
      serve(meHandler(sessions));
      configure({ customerToken: TOKEN });
      const wrapper = await fixture(html`<div><div style="block-size: 5000px"></div><encore-referral-share></encore-referral-share></div>`);
      const el = wrapper.querySelector('encore-referral-share')!;
      await aTimeout(150);
      expect(sessions).to.have.length(0);
      el.scrollIntoView();
      await waitForState(el, 'data');
      expect(sessions).to.have.length(1);
      scrollTo(0, 0);
    });
  });

  describe('copy', () => {
    it('copies the link with the Clipboard API and says so in a live region', async () => {
      const el = await signedIn();
      await navigator.clipboard.writeText('something else');
      const copied = oneEvent(el, 'encore-referral-copy') as Promise<CustomEvent<ReferralCopyDetail>>;
      getPart(el, 'copy-button').click();
      const event = await copied;
      expect(event.detail).to.deep.equal({ kind: 'link', code: 'HANA-7K2Q', url: LINK });
      expect(event.bubbles && event.composed).to.equal(true);
      expect(await navigator.clipboard.readText()).to.equal(LINK);
      await waitUntil(() => status(el) === 'Copied', 'no copied announcement');
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('Copied');
      await expect(el).to.be.accessible();
    });

    it('falls back to selecting the link and the copy command, then to copying by hand', async () => {
      const el = await signedIn();
      const input = getPart<HTMLInputElement>(el, 'link');
      const button = getPart<HTMLButtonElement>(el, 'copy-button');
      const execCommand = document.execCommand;
      const commands: Array<{ command: string; selected: string }> = [];
      const events: ReferralCopyDetail[] = [];
      el.addEventListener('encore-referral-copy', (event) => events.push(event.detail));
      const selected = () => input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0);
      await withWriteText(refused, async () => {
        try {
          document.execCommand = (command: string) => (commands.push({ command, selected: focused(el) === input ? selected() : '' }), true);
          button.click();
          await waitUntil(() => status(el) === 'Copied', 'no copied announcement');
          expect(commands).to.deep.equal([{ command: 'copy', selected: LINK }]);
          expect(focused(el)).to.equal(button);
          expect(events).to.deep.equal([{ kind: 'link', code: 'HANA-7K2Q', url: LINK }]);

          // Both refused: the link stays selected and the shopper is told to copy it.
          document.execCommand = () => false;
          button.click();
          await waitUntil(() => status(el) === 'Copy blocked: please copy the selected text.', 'no copy-by-hand hint');
          expect(focused(el)).to.equal(input);
          expect(selected()).to.equal(LINK);
          expect(events).to.have.length(1);
          await expect(el).to.be.accessible();
        } finally {
          document.execCommand = execCommand;
        }
      });
    });
  });

  describe('native share', () => {
    it('has no share button where the browser has no share sheet', async () => {
      await withShare(undefined, async () => {
        const el = await signedIn();
        expect(part(el, 'share-button')).to.equal(null);
        expect(part(el, 'copy-button')).not.to.equal(null);
      });
    });

    it('opens the share sheet with the message and the link', async () => {
      const shared: Array<ShareData | undefined> = [];
      await withShare(
        async (data) => void shared.push(data),
        async () => {
          const el = await signedIn();
          const button = getPart(el, 'share-button');
          expect(text(button)).to.equal('Share');
          const event = oneEvent(el, 'encore-referral-share') as Promise<CustomEvent<ReferralShareDetail>>;
          button.click();
          expect((await event).detail).to.deep.equal({ code: 'HANA-7K2Q', url: LINK, channel: 'native' });
          expect(shared).to.deep.equal([
            { title: 'A gift for you from Sakura Tea House', text: 'Here’s ¥500 off your first order at Sakura Tea House. Use my link:', url: LINK },
          ]);
          await expect(el).to.be.accessible();
        },
      );
    });

    it('does nothing when the shopper cancels, and copies when sharing is refused', async () => {
      let error = new DOMException('Share canceled', 'AbortError');
      await withShare(
        () => Promise.reject(error),
        () =>
          withWriteText(
            async () => {},
            async () => {
              const el = await signedIn();
              const events: string[] = [];
              el.addEventListener('encore-referral-share', () => events.push('share'));
              el.addEventListener('encore-referral-copy', () => events.push('copy'));
              getPart(el, 'share-button').click();
              await aTimeout(50);
              expect(events).to.deep.equal([]);
              expect(status(el)).to.equal('');

              error = new DOMException('Not allowed', 'NotAllowedError');
              getPart(el, 'share-button').click();
              await waitUntil(() => status(el) === 'Copied', 'the link was not copied instead');
              expect(events).to.deep.equal(['copy']);

              // The Clipboard API refused as well: the copy command, and focus back on the share button.
              const execCommand = document.execCommand;
              document.execCommand = () => true;
              try {
                await withWriteText(refused, async () => {
                  getPart(el, 'share-button').click();
                  await waitUntil(() => events.length === 2, 'the link was not copied by the copy command');
                });
              } finally {
                document.execCommand = execCommand;
              }
              expect(focused(el)).to.equal(getPart(el, 'share-button'));
            },
          ),
      );
    });
  });

  it('works with the keyboard alone: link, copy, share, channels', async () => {
    const shared: Array<ShareData | undefined> = [];
    const written: string[] = [];
    await withShare(
      async (data) => void shared.push(data),
      () =>
        withWriteText(
          async (value) => void written.push(value),
          async () => {
            const el = await signedIn();
            const events: string[] = [];
            el.addEventListener('encore-referral-share', (event) => events.push(event.detail.channel));
            el.addEventListener('click', (event) => event.preventDefault()); // channel links stay on the test page

            await sendKeys({ press: 'Tab' });
            const input = getPart<HTMLInputElement>(el, 'link');
            expect(focused(el)).to.equal(input);
            expect(input.selectionStart).to.equal(0);
            expect(input.selectionEnd).to.equal(LINK.length);

            await sendKeys({ press: 'Tab' });
            expect(focused(el)).to.equal(getPart(el, 'copy-button'));
            await sendKeys({ press: 'Enter' });
            await waitUntil(() => status(el) === 'Copied', 'Enter did not copy');
            expect(written).to.deep.equal([LINK]);

            await sendKeys({ press: 'Tab' });
            expect(focused(el)).to.equal(getPart(el, 'share-button'));
            await sendKeys({ press: 'Space' });
            await waitUntil(() => shared.length === 1, 'Space did not share');

            for (const channel of ['email', 'line', 'x', 'facebook', 'whatsapp']) {
              await sendKeys({ press: 'Tab' });
              expect(focused(el)).to.equal(getPart(el, `channel--${channel}`));
            }
            await sendKeys({ press: 'Enter' });
            await waitUntil(() => events.length === 2, 'Enter did not open the channel');
            expect(events).to.deep.equal(['native', 'whatsapp']);
          },
        ),
    );
  });

  describe('guest', () => {
    it('pitches the referral programme and links to sign in or join', async () => {
      const sessions: Call[] = [];
      const el = await guest(sessions);
      expect(widgetText(el)).to.equal(
        'Refer a friend Give friends a gift and get 500 points for their first order. Sign in or join to get your link. Create an account Sign in',
      );
      expect(getPart(el, 'join-link').getAttribute('href')).to.equal('https://shop.example.jp/account/register');
      expect(getPart(el, 'sign-in-link').getAttribute('href')).to.equal('https://shop.example.jp/account/login');
      expect(part(el, 'link')).to.equal(null);
      expect(part(el, 'stats')).to.equal(null);
      // The session only: no customer call without a token.
      expect(sessions).to.have.length(1);
      expect(sessions[0]!.headers.has('Authorization')).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('uses join-url and sign-in-url, and says nothing of points the store does not give', async () => {
      serve(sessionHandler([], () => HttpResponse.json(session(null, { program: { earn: [] } }))));
      configure();
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share join-url="/join?return=/refer" sign-in-url="/login?return=/refer"></encore-referral-share>`);
      await waitForState(el, 'data');
      expect(getPart(el, 'join-link').getAttribute('href')).to.equal('/join?return=/refer');
      expect(getPart(el, 'sign-in-link').getAttribute('href')).to.equal('/login?return=/refer');
      expect(widgetText(el)).not.to.contain('points');
    });

    it('becomes the signed-in view when the storefront configures a token at run time', async () => {
      const sessions: Call[] = [];
      serve(sessionHandler(sessions, (call) => HttpResponse.json(session(call.headers.get('Authorization') ? member() : null))));
      configure();
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'data');
      expect(part(el, 'join-link')).not.to.equal(null);
      window.Encore.configure({ customerToken: TOKEN });
      const link = await waitForPart<HTMLInputElement>(el, 'link');
      expect(link.value).to.equal(LINK);
      expect(part(el, 'join-link')).to.equal(null);
      // The guest's read, then the shopper's (a new client for the new token).
      expect(sessions.map((call) => call.headers.get('Authorization'))).to.deep.equal([null, `Bearer ${TOKEN}`]);
    });
  });

  describe('a friend who arrived through a referral link', () => {
    it('sees the offer and its code instead of the pitch', async () => {
      const config = configure();
      keepOffer(config.store, visit({ expiresAt: '2099-03-31T00:00:00.000Z' }));
      serve(sessionHandler([], () => HttpResponse.json(session(null))));
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'data');
      expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('A gift for you from Sakura Tea House');
      expect(text(getPart(el, 'offer'))).to.equal('Hana gave you ¥500 off your first order Use it at checkout by Mar 31, 2099. Your code Copy code');
      const code = getPart<HTMLInputElement>(el, 'code');
      expect(code.value).to.equal('FRIEND-9XK2');
      expect(code.labels![0]!.textContent).to.equal('Your code');
      expect(widgetText(el)).not.to.contain('Give friends a gift');
      expect(part(el, 'join-link')).not.to.equal(null);
      await expect(el).to.be.accessible();

      const copied = oneEvent(el, 'encore-referral-copy') as Promise<CustomEvent<ReferralCopyDetail>>;
      getPart(el, 'copy-button').click();
      expect((await copied).detail).to.deep.equal({ kind: 'offer', code: 'FRIEND-9XK2' });
      expect(await navigator.clipboard.readText()).to.equal('FRIEND-9XK2');
      await waitUntil(() => text(getPart(el, 'offer')).includes('Copied'), 'no copied announcement');
    });

    it('says “a friend” when the referrer has no name, and shows a percentage', async () => {
      const config = configure();
      keepOffer(config.store, visit({ referrerName: '', offer: { kind: 'percent_off', value: 10, currency: 'JPY', code: 'FRIEND-1' } }));
      serve(sessionHandler([], () => HttpResponse.json(session(null))));
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'offer'))).to.contain('A friend gave you 10% off your first order');
    });

    it('forgets an expired or corrupt offer', async () => {
      for (const kept of [JSON.stringify(visit({ expiresAt: new Date(Date.now() - 1000).toISOString() })), '{"code": "HA', JSON.stringify({ ...visit(), offer: { code: 1 } })]) {
        const config = configure();
        keepOffer(config.store, kept);
        serve(sessionHandler([], () => HttpResponse.json(session(null))));
        const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
        await waitForState(el, 'data');
        expect(part(el, 'offer')).to.equal(null);
        expect(widgetText(el)).to.contain('Give friends a gift');
      }
    });

    it('shows the offer as soon as the visit is recorded on this page', async () => {
      const el = await guest();
      expect(part(el, 'offer')).to.equal(null);
      const here = location.href;
      serve(http.post(VISITS, () => HttpResponse.json(visit() satisfies ReferralVisit, { status: 201 })));
      history.replaceState(history.state, '', `${location.pathname}${location.search}&ref=HANA-7K2Q`);
      try {
        await recordReferralVisit();
      } finally {
        history.replaceState(history.state, '', here);
      }
      const offer = await waitForPart(el, 'offer');
      expect(text(offer)).to.contain('Hana gave you ¥500 off your first order');
    });

    it('a signed-in friend sees the offer above their own link', async () => {
      const config = configure({ customerToken: TOKEN });
      keepOffer(config.store);
      serve(meHandler([]));
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'offer'))).to.contain('Hana gave you ¥500 off');
      expect(getPart<HTMLInputElement>(el, 'link').value).to.equal(LINK);
      expect(parts(el, 'copy-button')).to.have.length(2);
      await expect(el).to.be.accessible();
    });
  });

  describe('Japanese', () => {
    it('speaks Japanese when signed in, in the links too', async () => {
      const el = await signedIn({ locale: 'ja' });
      expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('お友達を紹介');
      expect(text(getPart(el, 'rewards'))).to.match(/^紹介成立1件につき500ポイント お友達は初回のご注文が[¥￥]500引き$/);
      expect(getPart<HTMLInputElement>(el, 'link').labels![0]!.textContent).to.equal('あなたの紹介リンク');
      expect(text(getPart(el, 'copy-button'))).to.equal('リンクをコピー');
      expect(statPairs(getPart(el, 'stats'))).to.deep.equal([
        ['紹介成立', '3'],
        ['獲得ポイント', '1,500ポイント'],
        ['訪問者', '12'],
      ]);
      const yen = text(getPart(el, 'rewards')).includes('￥') ? '￥' : '¥';
      const message = `Sakura Tea Houseの初回のお買い物が${yen}500引きになります。こちらのリンクからどうぞ：`;
      expect(getPart<HTMLAnchorElement>(el, 'channel--whatsapp').getAttribute('href')).to.equal(`https://wa.me/?text=${encodeURIComponent(`${message} ${LINK}`)}`);
      expect(text(getPart(el, 'channel--email'))).to.equal('メール');
      expect(getPart(el, 'base').getAttribute('lang')).to.equal('ja');
      await expect(el).to.be.accessible();
    });

    it('speaks Japanese to a guest and to a referred friend', async () => {
      let el = await guest([], 'ja');
      expect(widgetText(el)).to.equal(
        'お友達を紹介 お友達にプレゼントを贈り、初回のご注文で500ポイント獲得。 ログインすると紹介リンクが表示されます。 アカウントを作成 ログイン',
      );
      await expect(el).to.be.accessible();

      const config = configure({ locale: 'ja' });
      keepOffer(config.store, visit({ expiresAt: '2099-03-31T00:00:00.000Z' }));
      serve(sessionHandler([], () => HttpResponse.json(session(null))));
      el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'offer'))).to.match(/^Hanaさんから初回[¥￥]500引きのクーポンが届きました 2099\/03\/31までのご注文でご利用いただけます。 クーポンコード コードをコピー$/);
      await expect(el).to.be.accessible();
    });

    it('copies by hand in Japanese too', async () => {
      const el = await signedIn({ locale: 'ja' });
      const execCommand = document.execCommand;
      document.execCommand = () => false;
      try {
        await withWriteText(refused, async () => {
          getPart(el, 'copy-button').click();
          await waitUntil(() => status(el) === '選択中の文字を手動でコピーしてください。', 'no copy-by-hand hint');
        });
      } finally {
        document.execCommand = execCommand;
      }
    });
  });

  describe('faults (SPEC §4): a clear message and a retry that works', () => {
    const cases: Array<{ name: string; fail: () => Response | Promise<Response>; message: string; attempts: number; timeout?: number; retries?: number }> = [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.', attempts: 2 },
      { name: 'a 500', fail: () => problem(500, 'internal', 'Internal Server Error'), message: 'Something went wrong on our side.', attempts: 2 },
      {
        name: 'a timeout',
        // Generous numbers: on a busy machine the reply after the retry must not time out as well.
        fail: async () => (await delay(5000), HttpResponse.json(info())),
        message: 'The rewards service took too long to answer.',
        attempts: 1,
        timeout: 1000,
        retries: 0,
      },
      {
        name: 'malformed JSON',
        fail: () => new HttpResponse('{"code": "HANA', { headers: { 'Content-Type': 'application/json' } }),
        message: 'Something went wrong on our side.',
        attempts: 1,
      },
      { name: 'stats that are missing', fail: () => HttpResponse.json({ ...info(), stats: undefined }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'a link that is not a string', fail: () => HttpResponse.json({ ...info(), url: 42 }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'an expired token (401)', fail: () => problem(401, 'token_expired'), message: 'Your sign-in has expired. Reload the page to sign in again.', attempts: 1 },
      { name: 'a tampered token (401)', fail: () => problem(401, 'token_invalid'), message: 'Your sign-in has expired. Reload the page to sign in again.', attempts: 1 },
    ];

    for (const { name, fail, message, attempts, timeout, retries } of cases) {
      it(`recovers from ${name}`, async () => {
        const me: Call[] = [];
        let failing = true;
        serve(meHandler(me, () => (failing ? fail() : HttpResponse.json(info()))));
        configure({ customerToken: TOKEN, retries: retries ?? 1, ...(timeout && { timeout }) });
        const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);

        await waitForState(el, 'error');
        const error = getPart(el, 'error');
        expect(text(error)).to.equal(message);
        expect(error.getAttribute('role')).to.equal('alert');
        expect(me).to.have.length(attempts);
        await expect(el).to.be.accessible();

        failing = false;
        getPart(el, 'retry-button').click();
        await waitForState(el, 'data');
        expect(getPart<HTMLInputElement>(el, 'link').value).to.equal(LINK);
      });
    }

    it('recovers from a failed session read, in Japanese', async () => {
      let failing = true;
      serve(sessionHandler([], () => (failing ? problem(503, 'internal') : HttpResponse.json(session()))));
      configure({ customerToken: TOKEN, retries: 0, locale: 'ja' });
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('問題が発生しました。');
      expect(text(getPart(el, 'retry-button'))).to.equal('再試行');
      await expect(el).to.be.accessible();
      failing = false;
      getPart(el, 'retry-button').click();
      await waitForState(el, 'data');
      expect(text(getPart(el, 'copy-button'))).to.equal('リンクをコピー');
    });

    it('says it is not set up when no store is configured', async () => {
      configure({ store: '' });
      const el = await fixture<EncoreReferralShare>(html`<encore-referral-share></encore-referral-share>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('This widget is not set up yet (missing store or API address).');
    });
  });
});
