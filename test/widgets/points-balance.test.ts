import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { delay, HttpResponse } from 'msw';
import { define } from '../../src/core/define.ts';
import type { RedeemDetail } from '../../src/widgets/points-balance/points-balance.ts';
import { EncorePointsBalance } from '../../src/widgets/points-balance/define.ts';
import {
  configure,
  focused,
  gate,
  getPart,
  member,
  part,
  parts,
  problem,
  redeemHandler,
  redemption,
  serve,
  session,
  sessionHandler,
  text,
  waitForPart,
  waitForState,
  watchFirstPass,
  widgetText,
  type Call,
} from './support.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig';

/** A signed-in shopper's widget with its data on screen. */
async function signedIn(calls: Call[] = [], reply?: Parameters<typeof sessionHandler>[1]): Promise<EncorePointsBalance> {
  serve(sessionHandler(calls, reply));
  configure({ customerToken: TOKEN });
  const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
  await waitForState(el, 'data');
  return el;
}

/** A session handler that answers guests as guests and token holders as the member. */
function byToken(customer = member()) {
  return (call: Call) => HttpResponse.json(session(call.headers.get('Authorization') ? customer : null));
}

describe('<encore-points-balance>', () => {
  it('is accessible when signed in', async () => {
    const el = await signedIn();
    await expect(el).to.be.accessible();
  });

  describe('loading', () => {
    it('shows a busy skeleton while the reply is on its way, about the size of the card', async () => {
      const reply = gate();
      serve(sessionHandler([], async () => (await reply.wait, HttpResponse.json(session()))));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);

      const skeleton = await waitForPart(el, 'skeleton');
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(widgetText(el)).to.equal('Loading…');
      expect(part(el, 'balance')).to.equal(null);
      await expect(el).to.be.accessible();
      const loadingHeight = el.getBoundingClientRect().height;

      reply.open();
      await waitForState(el, 'data');
      const loadedHeight = el.getBoundingClientRect().height;
      console.log(`[encore] skeleton height ${loadingHeight}px, loaded card height ${loadedHeight}px`);
      // The skeleton holds a card's worth of space rather than collapsing to a line.
      expect(loadingHeight).to.be.above(loadedHeight / 2);
    });

    // SPEC §2 asks the loading state to reserve the final size: the skeleton takes the shape of
    // the card that replaces it (member or guest), within 10% of its height.
    for (const signedIn of [true, false]) {
      it(`reserves the loaded ${signedIn ? 'member' : 'guest'} card’s height within 10%`, async () => {
        const reply = gate();
        serve(sessionHandler([], async () => (await reply.wait, HttpResponse.json(signedIn ? session() : session(null)))));
        configure(signedIn ? { customerToken: TOKEN } : {});
        const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
        await waitForPart(el, 'skeleton');
        const loadingHeight = el.getBoundingClientRect().height;
        reply.open();
        await waitForState(el, 'data');
        const loadedHeight = el.getBoundingClientRect().height;
        console.log(`[encore] ${signedIn ? 'member' : 'guest'}: skeleton ${Math.round(loadingHeight)}px, card ${Math.round(loadedHeight)}px`);
        expect(Math.abs(loadedHeight - loadingHeight) / loadedHeight).to.be.below(0.1);
      });
    }
  });

  describe('signed in', () => {
    it('shows the balance, tier, progress and expiring points, formatted for the locale', async () => {
      const calls: Call[] = [];
      const el = await signedIn(calls);

      expect(text(getPart(el, 'balance'))).to.equal('1,840 points');
      expect(text(getPart(el, 'tier'))).to.equal('Bronze member');
      const progress = getPart(el, 'progress');
      expect(text(progress)).to.equal('660 points to Silver');
      const bar = progress.querySelector('progress')!;
      expect(bar.max).to.equal(2500);
      expect(bar.value).to.equal(1840);
      expect(bar.getAttribute('aria-label')).to.equal('Progress to Silver');
      expect(text(getPart(el, 'expiring'))).to.equal('120 points expire on Jan 15, 2026');
      expect(part(el, 'empty')).to.equal(null);
      expect(part(el, 'join-link')).to.equal(null);
    });

    it('sends the customer token as a Bearer header to the store’s session', async () => {
      const calls: Call[] = [];
      await signedIn(calls);
      expect(calls).to.have.length(1);
      expect(calls[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(new URL(calls[0]!.url).pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/session$/);
    });

    it('tells rewards the shopper can redeem now from those still out of reach', async () => {
      const el = await signedIn();
      const items = parts(el, 'reward');
      expect(items).to.have.length(3);
      const [fiveHundred, shipping, tenPercent] = items as [HTMLElement, HTMLElement, HTMLElement];

      expect(fiveHundred.part.contains('reward--available')).to.equal(true);
      expect(text(fiveHundred)).to.contain('¥500 off').and.contain('500 points');
      expect(fiveHundred.querySelector('[part~="redeem-button"]')).not.to.equal(null);

      expect(shipping.part.contains('reward--available')).to.equal(true);
      expect(text(shipping)).to.contain('Free shipping').and.contain('800 points');

      expect(tenPercent.part.contains('reward--locked')).to.equal(true);
      expect(text(tenPercent)).to.contain('10% off').and.contain('2,000 points').and.contain('160 points more needed');
      expect(tenPercent.querySelector('[part~="redeem-button"]')).to.equal(null);
      expect(parts(el, 'redeem-button')).to.have.length(2);
    });

    it('adds its rewards and ways to earn a task later, moving nothing it showed first', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN });
      const el = document.createElement('encore-points-balance') as EncorePointsBalance;
      const pass = watchFirstPass(el, () => part(el, 'balance') !== null);
      try {
        await waitForState(el, 'data');
        expect(parts(el, 'reward')).to.have.length(3);
        expect(parts(el, 'earn-rule')).to.have.length(5);
        expect(pass.shown()).to.be.below(el.shadowRoot!.querySelectorAll('*').length);
        pass.unmoved();
      } finally {
        el.remove();
      }
    });

    it('lists the ways to earn with money in the store’s currency', async () => {
      const el = await signedIn();
      const rules = parts(el, 'earn-rule').map(text);
      expect(rules).to.deep.equal([
        '1 point for every ¥100 you spend',
        '200 points when you create an account',
        '50 points for each product review',
        '500 points for each friend you refer',
        '300 points on your birthday',
      ]);
    });

    it('says so at the top tier and without expiring points', async () => {
      const el = await signedIn([], () => HttpResponse.json(session(member({ balance: 7200, tierPoints: 8000, tier: 'gold', nextTier: null, expiring: null }))));
      expect(text(getPart(el, 'tier'))).to.equal('Gold member');
      expect(text(getPart(el, 'progress'))).to.equal('You’ve reached our top tier.');
      expect(part(el, 'expiring')).to.equal(null);
      expect(parts(el, 'reward--available')).to.have.length(3);
    });
  });

  describe('guest', () => {
    it('offers to join with the welcome points and links from the store', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, byToken()));
      configure();
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');

      expect(widgetText(el)).to.contain('Join Sakura Tea House Rewards').and.contain('Create an account and get 200 points to start.');
      const join = getPart<HTMLAnchorElement>(el, 'join-link');
      const signIn = getPart<HTMLAnchorElement>(el, 'sign-in-link');
      expect(join.getAttribute('href')).to.equal('https://shop.example.jp/account/register');
      expect(text(join)).to.equal('Create an account');
      expect(signIn.getAttribute('href')).to.equal('https://shop.example.jp/account/login');
      expect(text(signIn)).to.equal('Sign in');
      expect(part(el, 'balance')).to.equal(null);
      expect(parts(el, 'redeem-button')).to.have.length(0);
      expect(parts(el, 'reward--locked')).to.have.length(3);
      expect(calls).to.have.length(1);
      expect(calls[0]!.headers.has('Authorization')).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('uses join-url and sign-in-url when the storefront sets them', async () => {
      serve(sessionHandler([], byToken()));
      configure();
      const el = await fixture<EncorePointsBalance>(
        html`<encore-points-balance join-url="/account/register?return=/rewards" sign-in-url="/account/login?return=/rewards"></encore-points-balance>`,
      );
      await waitForState(el, 'data');
      expect(getPart(el, 'join-link').getAttribute('href')).to.equal('/account/register?return=/rewards');
      expect(getPart(el, 'sign-in-link').getAttribute('href')).to.equal('/account/login?return=/rewards');
    });

    it('becomes the signed-in view when the storefront configures a token at run time', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, byToken()));
      configure();
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      expect(part(el, 'join-link')).not.to.equal(null);

      window.Encore.configure({ customerToken: TOKEN });
      const balance = await waitForPart(el, 'balance');
      expect(text(balance)).to.equal('1,840 points');
      expect(part(el, 'join-link')).to.equal(null);
      expect(el.isConnected).to.equal(true);
      expect(calls.map((call) => call.headers.get('Authorization'))).to.deep.equal([null, `Bearer ${TOKEN}`]);
    });

    it('renders text from the server as text, never as HTML', async () => {
      const name = '<img src=x onerror="window.__encorePwned = true">Tea';
      serve(sessionHandler([], () => HttpResponse.json(session(null, { store: { name } }))));
      configure();
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      await aTimeout(50);
      expect(widgetText(el)).to.contain(`Join ${name} Rewards`);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect((window as unknown as { __encorePwned?: boolean }).__encorePwned).to.equal(undefined);
    });
  });

  describe('empty', () => {
    it('shows how to earn when the balance is zero', async () => {
      const el = await signedIn([], () => HttpResponse.json(session(member({ balance: 0, tierPoints: 0, expiring: null }))));
      expect(text(getPart(el, 'balance'))).to.equal('0 points');
      expect(text(getPart(el, 'empty'))).to.equal('You don’t have any points yet. Here’s how to earn them.');
      expect(parts(el, 'redeem-button')).to.have.length(0);
      expect(parts(el, 'reward--locked').map(text)[0]).to.contain('500 points more needed');
      expect(parts(el, 'earn-rule')).to.have.length(5);
      await expect(el).to.be.accessible();
    });

    it('says when the store has no rewards', async () => {
      const el = await signedIn([], () => HttpResponse.json(session(member(), { program: { rewards: [] } })));
      expect(parts(el, 'reward')).to.have.length(0);
      expect(text(getPart(el, 'empty'))).to.equal('No rewards are available right now.');
    });
  });

  describe('faults (SPEC §4): a clear message and a retry that works', () => {
    const malformed = () => new HttpResponse('{"store": {"id": "demo-st', { headers: { 'Content-Type': 'application/json' } });
    const wrongShape = (patch: Record<string, unknown>) => () => HttpResponse.json({ ...session(), ...patch });
    const cases: Array<{ name: string; fail: () => Response | Promise<Response>; message: string; attempts: number; timeout?: number; retries?: number }> = [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.', attempts: 2 },
      { name: 'a 500 (after the client’s own retries)', fail: () => problem(500, 'internal', 'Internal Server Error'), message: 'Something went wrong on our side.', attempts: 2 },
      { name: 'a 404 store', fail: () => problem(404, 'store_not_found', 'No such store'), message: 'Something went wrong.', attempts: 1 },
      {
        name: 'a timeout',
        fail: async () => (await delay(3000), HttpResponse.json(session())),
        message: 'The rewards service took too long to answer.',
        attempts: 1,
        timeout: 1000,
        retries: 0,
      },
      { name: 'malformed JSON', fail: malformed, message: 'Something went wrong on our side.', attempts: 1 },
      {
        name: 'a balance that is a string',
        fail: wrongShape({ customer: { ...member(), balance: '1840' } }),
        message: 'Something went wrong on our side.',
        attempts: 1,
      },
      {
        name: 'a reply without the customer field',
        fail: () => {
          const { customer: _omitted, ...rest } = session();
          return HttpResponse.json(rest);
        },
        message: 'Something went wrong on our side.',
        attempts: 1,
      },
      {
        name: 'a 429 with Retry-After',
        fail: () => problem(429, 'rate_limited', 'Too Many Requests', { 'Retry-After': '30' }),
        message: 'Too many attempts. Try again in 30 seconds.',
        attempts: 1,
      },
    ];

    for (const { name, fail, message, attempts, timeout, retries } of cases) {
      it(`recovers from ${name}`, async () => {
        const calls: Call[] = [];
        let failing = true;
        serve(sessionHandler(calls, () => (failing ? fail() : HttpResponse.json(session()))));
        configure({ customerToken: TOKEN, retries: retries ?? 1, ...(timeout && { timeout }) });
        const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);

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
        expect(text(getPart(el, 'balance'))).to.equal('1,840 points');
        expect(part(el, 'error')).to.equal(null);
      });
    }

    it('is accessible in the error state', async () => {
      serve(sessionHandler([], () => problem(503, 'internal', 'Service Unavailable')));
      configure({ customerToken: TOKEN, retries: 0 });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'error');
      await expect(el).to.be.accessible();
    });

    it('asks the shopper to sign in again when the token has expired', async () => {
      serve(sessionHandler([], () => problem(401, 'token_expired', 'Token expired')));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('Your sign-in has expired. Reload the page to sign in again.');
    });

    it('says it is not set up when no store is configured', async () => {
      configure({ store: '' });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('This widget is not set up yet (missing store or API address).');
    });
  });

  describe('redeeming', () => {
    /** Points after the redemption, as the server reports them on the next read. */
    function afterRedeem(calls: Call[]) {
      return (_call: Call) => HttpResponse.json(session(member({ balance: calls.length ? 1340 : 1840 })));
    }

    it('works with the keyboard alone: redeem, confirm, code, copy', async () => {
      const posts: Call[] = [];
      serve(redeemHandler(posts));
      const el = await signedIn([], afterRedeem(posts));

      // Tab into the widget: the first available reward's redeem button.
      await sendKeys({ press: 'Tab' });
      const redeem = getPart<HTMLButtonElement>(el, 'redeem-button');
      expect(focused(el)).to.equal(redeem);
      expect(text(redeem)).to.equal('Redeem: ¥500 off');

      // Enter: the confirmation step, with focus on its confirm button.
      await sendKeys({ press: 'Enter' });
      const confirm = await waitForPart(el, 'confirm');
      expect(text(confirm)).to.contain('Redeem ¥500 off for 500 points? Your balance will be 1,340 points.');
      await waitUntil(() => focused(el)?.matches('[part~="confirm-button"]'), 'focus did not move to the confirm button');
      await expect(el).to.be.accessible();

      // Escape: cancelled, nothing sent, focus back on the redeem button.
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => part(el, 'confirm') === null, 'the confirmation did not close');
      await waitUntil(() => focused(el) === getPart(el, 'redeem-button'), 'focus did not return to the redeem button');
      expect(posts).to.have.length(0);

      // Again, and confirm this time.
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => focused(el)?.matches('[part~="confirm-button"]'), 'focus did not move to the confirm button');
      const redeemed = oneEvent(document, 'encore-redeem') as Promise<CustomEvent<RedeemDetail>>;
      await sendKeys({ press: 'Enter' });

      const event = await redeemed;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail).to.deep.equal({ rewardId: 'rw_500_off', code: 'ENC-7Q4M-XK2P', pointsSpent: 500, balance: 1340 });

      const code = await waitForPart(el, 'code');
      expect(text(code)).to.equal('ENC-7Q4M-XK2P');
      expect(widgetText(el)).to.contain('Enter this code at checkout. New balance: 1,340 points');
      await waitUntil(() => text(part(el, 'balance')) === '1,340 points', 'the balance was not refreshed');
      expect(text(getPart(el, 'code'))).to.equal('ENC-7Q4M-XK2P');

      expect(posts).to.have.length(1);
      expect(posts[0]!.body).to.deep.equal({ rewardId: 'rw_500_off' });
      expect(posts[0]!.headers.get('Idempotency-Key')).to.match(/^[\x21-\x7e]{16,255}$/);
      expect(posts[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(posts[0]!.headers.get('Content-Type')).to.equal('application/json');
      await expect(el).to.be.accessible();

      // Copy with the keyboard: the copy button is the next stop after the success heading.
      const written: string[] = [];
      const clipboard = navigator.clipboard as Clipboard & { writeText: Clipboard['writeText'] };
      clipboard.writeText = async (value: string) => void written.push(value);
      try {
        const copy = getPart<HTMLButtonElement>(el, 'copy-button');
        while (focused(el) !== copy) await sendKeys({ press: 'Tab' });
        await sendKeys({ press: 'Enter' });
        await waitUntil(() => widgetText(el).includes('Code copied'), 'no copied confirmation');
        expect(written).to.deep.equal(['ENC-7Q4M-XK2P']);
      } finally {
        delete (clipboard as Partial<Clipboard>).writeText;
      }
    });

    it('copies through the selection when the Clipboard API refuses', async () => {
      serve(redeemHandler([]));
      const el = await signedIn();
      getPart(el, 'redeem-button').click();
      (await waitForPart(el, 'confirm-button')).click();
      const copy = await waitForPart<HTMLButtonElement>(el, 'copy-button');

      const clipboard = navigator.clipboard as Clipboard & { writeText: Clipboard['writeText'] };
      const execCommand = document.execCommand;
      const commands: Array<{ command: string; selected: string }> = [];
      clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
      document.execCommand = (command: string) => (commands.push({ command, selected: String(getSelection()) }), true);
      try {
        copy.click();
        await waitUntil(() => widgetText(el).includes('Code copied'), 'no copied confirmation');
        expect(commands).to.deep.equal([{ command: 'copy', selected: 'ENC-7Q4M-XK2P' }]);

        // Both refused: the shopper is told to copy it by hand.
        document.execCommand = () => false;
        copy.click();
        await waitUntil(() => widgetText(el).includes('Select the code and copy it.'), 'no copy-by-hand hint');
      } finally {
        delete (clipboard as Partial<Clipboard>).writeText;
        document.execCommand = execCommand;
      }
    });

    it('retries a failed redemption with the same Idempotency-Key', async () => {
      const posts: Call[] = [];
      serve(redeemHandler(posts, (_call, index) => (index < 2 ? problem(503, 'internal', 'Service Unavailable') : HttpResponse.json(redemption(), { status: 201 }))));
      const el = await signedIn([], afterRedeem(posts));
      getPart(el, 'redeem-button').click();
      (await waitForPart(el, 'confirm-button')).click();

      // The client tried twice itself (retries: 1), then the shopper sees the failure.
      const error = await waitForPart(el, 'error');
      expect(text(error)).to.equal('Something went wrong on our side.');
      expect(posts).to.have.length(2);
      await waitUntil(() => focused(el) === error, 'focus did not move to the error');

      getPart(el, 'retry-button').click();
      const code = await waitForPart(el, 'code');
      expect(text(code)).to.equal('ENC-7Q4M-XK2P');
      expect(posts).to.have.length(3);
      const keys = new Set(posts.map((post) => post.headers.get('Idempotency-Key')));
      expect(keys.size).to.equal(1);
      expect([...keys][0]).to.be.a('string').and.not.equal('');
    });

    it('makes a new key for a new intent', async () => {
      const posts: Call[] = [];
      serve(redeemHandler(posts));
      const el = await signedIn([], afterRedeem(posts));
      getPart(el, 'redeem-button').click();
      (await waitForPart(el, 'confirm-button')).click();
      await waitForPart(el, 'code');
      getPart(el, 'redeem-button').click();
      (await waitForPart(el, 'confirm-button')).click();
      await waitUntil(() => posts.length === 2, 'the second redemption was not sent');
      expect(posts[0]!.headers.get('Idempotency-Key')).not.to.equal(posts[1]!.headers.get('Idempotency-Key'));
    });

    it('says so when the points are no longer enough (409 insufficient_points)', async () => {
      const posts: Call[] = [];
      serve(redeemHandler(posts, () => problem(409, 'insufficient_points', 'Not enough points')));
      const el = await signedIn();
      getPart(el, 'redeem-button').click();
      (await waitForPart(el, 'confirm-button')).click();
      const error = await waitForPart(el, 'error');
      expect(text(error)).to.equal('You no longer have enough points for this reward.');
      expect(posts).to.have.length(1); // a 409 is an answer, not a fault: never retried
      expect(part(el, 'code')).to.equal(null);
    });
  });

  describe('customer token function', () => {
    it('asks for a fresh token when the server says it expired, and retries', async () => {
      const calls: Call[] = [];
      const issued: string[] = [];
      serve(
        sessionHandler(calls, (call) =>
          call.headers.get('Authorization') === 'Bearer fresh-token' ? HttpResponse.json(session()) : problem(401, 'token_expired', 'Token expired'),
        ),
      );
      configure({
        customerToken: async () => {
          const token = issued.length ? 'fresh-token' : 'stale-token';
          issued.push(token);
          return token;
        },
      });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'balance'))).to.equal('1,840 points');
      expect(issued).to.deep.equal(['stale-token', 'fresh-token']);
      expect(calls.map((call) => call.headers.get('Authorization'))).to.deep.equal(['Bearer stale-token', 'Bearer fresh-token']);
    });
  });

  describe('attributes override the global configuration', () => {
    it('reads another store and token when the widget says so', async () => {
      const calls: Call[] = [];
      serve(sessionHandler(calls, byToken()));
      configure();
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance store="other-store" customer-token="widget-token"></encore-points-balance>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'balance'))).to.equal('1,840 points');
      expect(new URL(calls[0]!.url).pathname).to.equal('/v1/stores/other-store/session');
      expect(calls[0]!.headers.get('Authorization')).to.equal('Bearer widget-token');
    });
  });

  describe('locale', () => {
    function expectJapanese(el: Element): void {
      expect(text(getPart(el, 'balance'))).to.equal('1,840ポイント');
      expect(text(getPart(el, 'tier'))).to.equal('Bronze会員');
      expect(text(getPart(el, 'expiring'))).to.equal('120ポイントが2026/01/15に失効します');
      expect(parts(el, 'earn-rule').map(text)[0]).to.match(/^[¥￥]100のお買い物ごとに1ポイント$/);
      expect(widgetText(el)).to.contain('ポイントと特典');
      expect(getPart(el, 'base').getAttribute('lang')).to.equal('ja');
    }

    it('follows the locale attribute', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance locale="ja"></encore-points-balance>`);
      await waitForState(el, 'data');
      expectJapanese(el);
      await expect(el).to.be.accessible();
    });

    it('follows the configured locale (data-locale)', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN, locale: 'ja' });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      expectJapanese(el);
    });

    it('follows the page’s lang', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN });
      const lang = document.documentElement.lang;
      document.documentElement.lang = 'ja-JP';
      try {
        const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
        await waitForState(el, 'data');
        expectJapanese(el);
      } finally {
        document.documentElement.lang = lang;
      }
    });

    it('follows the lang of an enclosing element', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN });
      const wrapper = await fixture(html`<div lang="ja"><encore-points-balance></encore-points-balance></div>`);
      const el = wrapper.querySelector('encore-points-balance')!;
      await waitForState(el, 'data');
      expectJapanese(el);
    });

    it('falls back to English for a locale it does not have', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN, locale: 'tlh' });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'balance'))).to.equal('1,840 points');
    });

    it('uses the merchant’s words from Encore.configure({ messages })', async () => {
      serve(sessionHandler([]));
      configure({ customerToken: TOKEN, messages: { en: { 'points.other': '{count} stars' }, ja: { 'points.other': '{count}スター' } } });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'balance'))).to.equal('1,840 stars');
      expect(parts(el, 'reward--locked').map(text)[0]).to.contain('160 stars more needed');

      el.locale = 'ja';
      await el.updateComplete;
      expect(text(getPart(el, 'balance'))).to.equal('1,840スター');
    });

    it('uses the merchant’s words from the store’s settings on the server', async () => {
      serve(sessionHandler([], () => HttpResponse.json(session(member(), { store: { messages: { en: { 'points.other': '{count} stars', 'pb.title': 'Tea Club' } } } }))));
      configure({ customerToken: TOKEN });
      const el = await fixture<EncorePointsBalance>(html`<encore-points-balance></encore-points-balance>`);
      await waitForState(el, 'data');
      expect(text(getPart(el, 'balance'))).to.equal('1,840 stars');
      expect(widgetText(el)).to.contain('Tea Club');
    });
  });

  describe('registration', () => {
    it('defining the tag again does not throw', async () => {
      const warnings: unknown[][] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args);
      try {
        expect(() => define('encore-points-balance', EncorePointsBalance)).not.to.throw();
        // A second copy of the module (another script tag, or the npm package next to encore.js).
        await import(new URL('../../src/widgets/points-balance/define.ts?copy=2', import.meta.url).href);
        expect(warnings).to.have.length(0);
        expect(customElements.get('encore-points-balance')).to.equal(EncorePointsBalance);

        // Another version of the element under the same tag: the first one stays, with a warning.
        class Other extends HTMLElement {}
        expect(() => define('encore-points-balance', Other)).not.to.throw();
        expect(customElements.get('encore-points-balance')).to.equal(EncorePointsBalance);
        expect(warnings).to.have.length(1);
      } finally {
        console.warn = warn;
      }
    });
  });

  it('reads nothing while far below the fold, and loads as it nears the viewport', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls));
    configure({ customerToken: TOKEN });
    const wrapper = await fixture(html`<div><div style="block-size: 5000px"></div><encore-points-balance></encore-points-balance></div>`);
    const el = wrapper.querySelector('encore-points-balance')!;
    await aTimeout(150);
    expect(calls).to.have.length(0);
    expect(part(el, 'skeleton')).not.to.equal(null);

    el.scrollIntoView();
    await waitForState(el, 'data');
    expect(calls).to.have.length(1);
    scrollTo(0, 0);
  });

  it('does not fetch again for a second widget on the same page', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls));
    configure({ customerToken: TOKEN });
    const wrapper = await fixture(html`<div><encore-points-balance></encore-points-balance><encore-points-balance></encore-points-balance></div>`);
    const [a, b] = Array.from(wrapper.querySelectorAll('encore-points-balance'));
    await waitForState(a!, 'data');
    await waitForState(b!, 'data');
    expect(calls).to.have.length(1);
  });
});
