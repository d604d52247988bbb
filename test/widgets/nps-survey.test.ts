/**
 * <encore-nps-survey>: the server decides who is asked (status), `sample` narrows it once per
 * visitor, the score is a native radio group (the WAI-ARIA radio pattern), the follow-up depends
 * on the category, answers and dismissals go through the outbox, and the popup is a non-modal
 * slide-in that never steals or traps focus.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import { delay, http, HttpResponse } from 'msw';
import type { NpsResponse, NpsStatus, ReferralInfo } from '../../contract/types.ts';
import { define } from '../../src/core/define.ts';
import type { Outbox } from '../../src/core/outbox.ts';
import { visitorId } from '../../src/core/visitor.ts';
import { EncoreNpsSurvey } from '../../src/widgets/nps-survey/define.ts';
import { bucket, categoryOf, type NpsDismissDetail, type NpsSubmitDetail } from '../../src/widgets/nps-survey/nps-survey.ts';
import { API, configure, focused, gate, getPart, member, part, parts, problem, redeemHandler, sectionHandler, serve, session, text, waitForPart, waitForState, widgetText, type Call } from './support.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig';
const RESPONSES = `${API}/v1/stores/:store/nps/responses`;
const DISMISSALS = `${API}/v1/stores/:store/nps/dismissals`;
const REFERRAL_URL = 'https://shop.example.jp/?ref=HANA-7K2Q';
const QUESTION = 'How likely are you to recommend us to a friend or colleague?';

type Reply = (call: Call, index: number) => Response | Promise<Response>;

const asked: NpsStatus = { ask: true, reason: null, nextAskAt: null };
const answered: NpsStatus = { ask: false, reason: 'answered', nextAskAt: '2026-02-18T09:30:00.000Z' };

function stored(score: number): NpsResponse {
  return { id: 'nps_0001', score, category: categoryOf(score), createdAt: '2025-11-20T09:30:00.000Z', nextAskAt: '2026-02-18T09:30:00.000Z' };
}

const referral: ReferralInfo = {
  code: 'HANA-7K2Q',
  url: REFERRAL_URL,
  referrerReward: { points: 500 },
  friendReward: { kind: 'amount_off', value: 500, currency: 'JPY' },
  stats: { visits: 0, friends: 0, pending: 0, pointsEarned: 0 },
};

/** A handler that records each call (with its JSON body) and answers through `reply`. */
function route(method: 'get' | 'post', url: string, calls: Call[], reply: Reply) {
  return http[method](url, async ({ request }) => {
    const body = method === 'post' ? await request.text() : '';
    const call = { method: request.method, url: request.url, headers: request.headers, body: body ? JSON.parse(body) : undefined };
    calls.push(call);
    return reply(call, calls.length - 1);
  });
}

interface Api {
  /** The page's session reads, whose `nps` section is the status. */
  status: Call[];
  responses: Call[];
  dismissals: Call[];
}

/**
 * The NPS API of one test's store; each reply may be replaced. The status is the `nps` section of
 * the page's session read: a member's session with their referral link when signed in, a guest's
 * otherwise.
 */
function api(replies: { status?: Reply; responses?: Reply; dismissals?: Reply } = {}): Api {
  const calls: Api = { status: [], responses: [], dismissals: [] };
  serve(
    sectionHandler('nps', calls.status, replies.status ?? (() => HttpResponse.json(asked)), (call) =>
      call.headers.get('Authorization') ? session(member(), { referral }) : session(null),
    ),
    route('post', RESPONSES, calls.responses, replies.responses ?? ((call) => HttpResponse.json(stored((call.body as { score: number }).score), { status: 201 }))),
    route('post', DISMISSALS, calls.dismissals, replies.dismissals ?? (() => HttpResponse.json({ nextAskAt: '2025-12-20T09:30:00.000Z' }, { status: 201 }))),
  );
  return calls;
}

/** Waits until the survey asks its question (the skeleton holds an invisible copy of it). */
async function ready(el: Element): Promise<void> {
  await waitUntil(() => part(el, 'skeleton') === null && part(el, 'score') !== null, `the survey never asked: ${widgetText(el)}`, { timeout: 5000, interval: 10 });
  await (el as EncoreNpsSurvey).updateComplete;
}

/** An inline survey with its question on screen. */
async function inline(template = html`<encore-nps-survey></encore-nps-survey>`): Promise<EncoreNpsSurvey> {
  const el = await fixture<EncoreNpsSurvey>(template);
  await ready(el);
  return el;
}

function describeNode(node: Element | null | undefined): string {
  return node ? node.outerHTML.slice(0, 100) : String(node);
}

/** Fails with a short message (a failing comparison with a rendered element can stall the runner). */
function expectSame(actual: Element | null | undefined, expected: Element | null | undefined, what = 'focus'): void {
  expect(actual === expected, `${what}: ${describeNode(actual)} is not ${describeNode(expected)}`).to.equal(true);
}

/** Fails with a short message (a failing comparison with a rendered element can stall the runner). */
function expectNo(el: Element, name: string): void {
  expect(part(el, name) === null, `part "${name}" is shown`).to.equal(true);
}

function radios(el: Element): HTMLInputElement[] {
  return parts(el, 'score').map((label) => label.querySelector('input')!);
}

/** Picks a score with the pointer. */
async function pick(el: EncoreNpsSurvey, score: number): Promise<void> {
  radios(el)[score]!.click();
  await el.updateComplete;
}

function followUpLabel(el: Element): string {
  const field = getPart<HTMLTextAreaElement>(el, 'follow-up');
  return text(field.labels[0]);
}

/** Waits for the popup's slide-in to finish (axe reads colours, and they are faded while it runs). */
async function settled(el: Element): Promise<void> {
  await Promise.all(el.shadowRoot!.getAnimations().map((animation) => animation.finished));
}

/** Shift+Tab, as the browser gets it (the runner presses one key at a time). */
async function shiftTab(): Promise<void> {
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ up: 'Shift' });
}

function outboxes(): Map<string, Outbox> {
  return ((globalThis as unknown as Record<symbol, Map<string, Outbox>>)[Symbol.for('encore.outboxes')] ??= new Map());
}

describe('<encore-nps-survey>', () => {
  afterEach(() => {
    // Each test's answers stay its own: no outbox keeps retrying into the next test. Only this
    // page's outboxes are touched: other test files share the origin's localStorage.
    for (const box of [...outboxes().values()]) {
      box.close();
      for (const key of Object.keys(localStorage)) if (key.startsWith(box.key)) localStorage.removeItem(key);
    }
  });

  it('is accessible when asked', async () => {
    api();
    configure();
    const el = await inline();
    await expect(el).to.be.accessible();
  });

  describe('loading', () => {
    it('shows a busy skeleton that takes exactly the survey’s place', async () => {
      const reply = gate();
      api({ status: async () => (await reply.wait, HttpResponse.json(asked)) });
      configure();
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey></encore-nps-survey>`);
      const skeleton = await waitForPart(el, 'skeleton');
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(text(skeleton.querySelector('[role="status"]'))).to.equal('Loading…');
      expect(el.hidden).to.equal(false);
      // The placeholder cannot be reached or read: it is inert and hidden from assistive technology.
      const ghost = skeleton.querySelector('.ghost')!;
      expect(ghost.hasAttribute('inert')).to.equal(true);
      expect(ghost.getAttribute('aria-hidden')).to.equal('true');
      await expect(el).to.be.accessible();
      const loading = el.getBoundingClientRect().height;

      reply.open();
      await ready(el);
      await el.updateComplete;
      const loaded = el.getBoundingClientRect().height;
      console.log(`[encore] nps skeleton height ${loading}px, loaded survey height ${loaded}px`);
      expect(loading).to.be.above(100);
      expect(Math.abs(loaded - loading)).to.be.below(1);
      expectNo(el, 'skeleton');
    });

    it('shows nothing while a popup waits for the server', async () => {
      const reply = gate();
      api({ status: async () => (await reply.wait, HttpResponse.json(asked)) });
      configure();
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey mode="popup"></encore-nps-survey>`);
      await aTimeout(50);
      expect(el.hidden).to.equal(true);
      expect(el.shadowRoot!.children).to.have.length(0);
      reply.open();
      await waitForPart(el, 'dialog');
      expect(el.hidden).to.equal(false);
    });
  });

  describe('who is asked', () => {
    for (const [name, status] of [
      ['answered recently', answered],
      ['dismissed recently', { ask: false, reason: 'dismissed', nextAskAt: '2025-12-20T09:30:00.000Z' } satisfies NpsStatus],
    ] as const) {
      it(`hides itself, taking no space, when the shopper ${name}`, async () => {
        const calls = api({ status: () => HttpResponse.json(status) });
        configure();
        const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey></encore-nps-survey>`);
        await waitUntil(() => calls.status.length === 1 && el.hidden, 'the survey did not hide', { timeout: 5000 });
        await el.updateComplete;
        expect(el.getBoundingClientRect().height).to.equal(0);
        expectNo(el, 'score');
        expectNo(el, 'skeleton');
        await expect(el).to.be.accessible();
      });
    }

    it('asks the server about this visitor, with the customer token when signed in', async () => {
      const calls = api();
      configure({ customerToken: TOKEN });
      await inline();
      expect(calls.status).to.have.length(1);
      const url = new URL(calls.status[0]!.url);
      expect(url.pathname).to.match(/^\/v1\/stores\/test-store-[\w-]+\/session$/);
      expect(url.searchParams.get('visitorId')).to.equal(visitorId());
      expect(visitorId()).to.match(/^[A-Za-z0-9_-]{8,64}$/);
      expect(calls.status[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
    });

    it('asks a guest without a token', async () => {
      const calls = api();
      configure();
      await inline();
      expect(calls.status[0]!.headers.has('Authorization')).to.equal(false);
    });

    it('does not ask again while an earlier page’s answer is still in the outbox', async () => {
      const reply = gate();
      const calls = api({ status: async () => (await reply.wait, HttpResponse.json(asked)), responses: () => HttpResponse.error() });
      configure();
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey></encore-nps-survey>`);
      await waitForPart(el, 'skeleton');
      // What a page left behind while offline (the outbox keeps it until the server has it).
      el.outbox.enqueue({ kind: 'nps', path: '/nps/responses', body: { score: 8, visitorId: visitorId() } });
      reply.open();
      await waitUntil(() => el.hidden, 'the survey was shown again', { timeout: 5000 });
      // The outbox sends it on its own schedule (behind a Web Lock and its start-up flush): it
      // may reach the server after the survey has decided.
      await waitUntil(() => calls.responses.length >= 1, 'the outbox never sent the earlier answer', { timeout: 5000 });
      expect(el.hidden).to.equal(true);
    });

    describe('sample', () => {
      it('never shows, nor asks the server, with sample="0"', async () => {
        const calls = api();
        configure();
        const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey sample="0"></encore-nps-survey>`);
        await aTimeout(150);
        expect(el.hidden).to.equal(true);
        expect(el.getBoundingClientRect().height).to.equal(0);
        expect(calls.status).to.have.length(0);
      });

      it('always shows with sample="1"', async () => {
        api();
        configure();
        const el = await inline(html`<encore-nps-survey sample="1"></encore-nps-survey>`);
        expect(el.hidden).to.equal(false);
      });

      it('decides once per visitor: the same answer on every page', async () => {
        const place = bucket(visitorId());
        expect(place).to.be.at.least(0).and.below(1);
        for (const round of [1, 2]) {
          const calls = api();
          configure();
          const wrapper = await fixture(
            html`<div>
              <encore-nps-survey sample=${Math.min(1, place + 0.001)}></encore-nps-survey>
              <encore-nps-survey sample=${Math.max(0, place - 0.001)}></encore-nps-survey>
            </div>`,
          );
          const [inside, outside] = Array.from(wrapper.querySelectorAll('encore-nps-survey'));
          await ready(inside!);
          expect(outside!.hidden, `round ${round}`).to.equal(true);
          expectNo(outside!, 'score');
          expect(calls.status).to.have.length(1);
        }
      });

      it('spreads visitors evenly, so a sample of 0.3 asks about 30%', () => {
        const ids = Array.from({ length: 4000 }, () => `v_${crypto.randomUUID().replace(/-/g, '').slice(0, 22)}`);
        const share = ids.filter((id) => bucket(id) < 0.3).length / ids.length;
        expect(share).to.be.within(0.26, 0.34);
        expect(ids.every((id) => bucket(id) === bucket(id))).to.equal(true);
      });

      it('treats a sample that is not a number as the default (everyone)', async () => {
        api();
        configure();
        const el = await inline(html`<encore-nps-survey sample="lots"></encore-nps-survey>`);
        expect(el.hidden).to.equal(false);
      });
    });
  });

  describe('asked inline', () => {
    it('asks the question with eleven options named 0–10 and labelled ends', async () => {
      api();
      configure();
      const el = await inline();
      const base = getPart(el, 'base');
      expect(base.getAttribute('lang')).to.equal('en');
      expect(el.shadowRoot!.querySelector('[role="dialog"]') === null, 'no dialog inline').to.equal(true);
      const heading = el.shadowRoot!.querySelector('h2')!;
      expect(text(heading)).to.equal(QUESTION);
      const group = el.shadowRoot!.querySelector('[role="radiogroup"]')!;
      expect(group.getAttribute('aria-labelledby')).to.equal(heading.id);

      const options = radios(el);
      expect(options).to.have.length(11);
      expect(parts(el, 'score').map(text)).to.deep.equal(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
      expect(options.every((input) => input.type === 'radio' && input.name === 'score' && !input.checked)).to.equal(true);
      // Each option is named by its number; the ends are described by their labels.
      expect(options.map((input) => text(input.labels![0]))).to.deep.equal(parts(el, 'score').map(text));
      const describe = (input: HTMLInputElement) => text(el.shadowRoot!.getElementById(input.getAttribute('aria-describedby')!));
      expect(describe(options[0]!)).to.equal('Not at all likely');
      expect(describe(options[10]!)).to.equal('Extremely likely');
      expect(options.slice(1, 10).every((input) => !input.hasAttribute('aria-describedby'))).to.equal(true);
      expect(widgetText(el)).to.contain('Not at all likely').and.contain('Extremely likely');
      expect(parts(el, 'score').map((label) => label.getAttribute('part'))).to.deep.equal([
        ...Array.from({ length: 7 }, () => 'score score--detractor'),
        'score score--passive',
        'score score--passive',
        'score score--promoter',
        'score score--promoter',
      ]);

      const dismiss = getPart<HTMLButtonElement>(el, 'dismiss-button');
      expect(dismiss.getAttribute('aria-label')).to.equal('Close');
      // No follow-up or submit before a score.
      expectNo(el, 'follow-up');
      expectNo(el, 'submit-button');
    });

    const followUps: Array<[number, string]> = [
      [0, 'What should we improve? (optional)'],
      [6, 'What should we improve? (optional)'],
      [7, 'What could we do better? (optional)'],
      [8, 'What could we do better? (optional)'],
      [9, 'What do you love about us? (optional)'],
      [10, 'What do you love about us? (optional)'],
    ];
    it('asks the follow-up question of the score’s category, keeping what was written', async () => {
      api();
      configure();
      const el = await inline();
      for (const [score, question] of followUps) {
        await pick(el, score);
        expect(followUpLabel(el), `score ${score}`).to.equal(question);
        expectSame(getPart(el, 'score--checked'), parts(el, 'score')[score], `checked option for ${score}`);
        expect(text(getPart(el, 'submit-button'))).to.equal('Send');
      }
      const field = getPart<HTMLTextAreaElement>(el, 'follow-up');
      field.value = 'Lovely tea';
      field.dispatchEvent(new Event('input'));
      await pick(el, 3);
      expect(getPart<HTMLTextAreaElement>(el, 'follow-up').value).to.equal('Lovely tea');
      expect(getPart<HTMLTextAreaElement>(el, 'follow-up').maxLength).to.equal(2000);
      await expect(el).to.be.accessible();
    });

    it('keeps every control at least 24×24 px, also in a narrow column', async () => {
      api();
      configure();
      const wrapper = await fixture(html`<div style="inline-size: 17rem"><encore-nps-survey></encore-nps-survey></div>`);
      const el = wrapper.querySelector('encore-nps-survey')!;
      await ready(el);
      await pick(el, 9);
      for (const control of [...parts(el, 'score'), getPart(el, 'dismiss-button'), getPart(el, 'submit-button')]) {
        const { width, height } = control.getBoundingClientRect();
        expect(width, control.textContent!).to.be.at.least(24);
        expect(height, control.textContent!).to.be.at.least(24);
      }
      // The options wrap into two rows instead of shrinking.
      const [zero, six] = [parts(el, 'score')[0]!, parts(el, 'score')[6]!];
      expect(six.getBoundingClientRect().top).to.be.above(zero.getBoundingClientRect().bottom);
      // Each radio covers its whole option, so the pointer always hits the control itself.
      const input = radios(el)[5]!.getBoundingClientRect();
      const label = parts(el, 'score')[5]!.getBoundingClientRect();
      expect(input.width).to.be.closeTo(label.width - 2, 1);
      expect(input.height).to.be.closeTo(label.height - 2, 1);
    });

    it('ignores Escape inline', async () => {
      const calls = api();
      configure();
      const el = await inline();
      radios(el)[4]!.focus();
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      getPart(el, 'score');
      expect(calls.dismissals).to.have.length(0);
    });
  });

  describe('keyboard', () => {
    it('follows the radio pattern: one Tab stop, arrows move and check', async () => {
      api();
      configure();
      const wrapper = await fixture(html`<div><button>Before</button><encore-nps-survey></encore-nps-survey><button>After</button></div>`);
      const [before, after] = Array.from(wrapper.querySelectorAll('button'));
      const el = wrapper.querySelector('encore-nps-survey')!;
      await ready(el);
      before!.focus();

      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), getPart(el, 'dismiss-button'));
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), radios(el)[0]);
      expect(radios(el)[0]!.checked).to.equal(false);
      // Unanswered, the group is one stop: Tab leaves the survey.
      await sendKeys({ press: 'Tab' });
      expectSame(document.activeElement, after);
      await shiftTab();
      expectSame(focused(el), radios(el)[0]);

      await sendKeys({ press: 'ArrowRight' });
      await el.updateComplete;
      expectSame(focused(el), radios(el)[1]);
      expect(radios(el)[1]!.checked).to.equal(true);
      expect(followUpLabel(el)).to.equal('What should we improve? (optional)');
      for (let i = 0; i < 8; i++) await sendKeys({ press: 'ArrowRight' });
      await el.updateComplete;
      expectSame(focused(el), radios(el)[9]);
      expect(radios(el).map((input) => input.checked).join()).to.equal(radios(el).map((_, i) => i === 9).join());
      expect(followUpLabel(el)).to.equal('What do you love about us? (optional)');
      await sendKeys({ press: 'ArrowLeft' });
      await el.updateComplete;
      expect(radios(el)[8]!.checked).to.equal(true);
      expect(followUpLabel(el)).to.equal('What could we do better? (optional)');

      // The checked option is the group's one stop; then the follow-up, then Send, then out.
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), getPart(el, 'follow-up'));
      await shiftTab();
      expectSame(focused(el), radios(el)[8]);
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), getPart(el, 'submit-button'));
      await sendKeys({ press: 'Tab' });
      expectSame(document.activeElement, after);
    });

    it('answers with the keyboard alone, and moves focus to the thanks', async () => {
      const calls = api();
      configure();
      const el = await inline();
      radios(el)[0]!.focus();
      await sendKeys({ press: 'ArrowLeft' }); // wraps from 0 to 10
      await el.updateComplete;
      expect(radios(el)[10]!.checked).to.equal(true);
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: 'The matcha' });
      await sendKeys({ press: 'Tab' });
      const submitted = oneEvent(el, 'encore-nps-submit') as Promise<CustomEvent<NpsSubmitDetail>>;
      await sendKeys({ press: 'Enter' });
      expect((await submitted).detail).to.deep.equal({ score: 10, category: 'promoter', comment: 'The matcha' });
      await waitForPart(el, 'thanks');
      await waitUntil(() => focused(el) === el.shadowRoot!.querySelector('h2'), 'focus did not move to the thanks');
      await waitUntil(() => calls.responses.length === 1, 'the answer was not sent');
    });
  });

  describe('answering', () => {
    it('sends score, comment, visitor id and locale under an Idempotency-Key, fires the event and thanks', async () => {
      const calls = api();
      configure({ customerToken: TOKEN });
      const el = await inline();
      await pick(el, 3);
      const field = getPart<HTMLTextAreaElement>(el, 'follow-up');
      field.value = '  Faster shipping, please  ';
      field.dispatchEvent(new Event('input'));
      const submitted = oneEvent(document, 'encore-nps-submit') as Promise<CustomEvent<NpsSubmitDetail>>;
      getPart(el, 'submit-button').click();

      const event = await submitted;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail).to.deep.equal({ score: 3, category: 'detractor', comment: 'Faster shipping, please' });

      const thanks = await waitForPart(el, 'thanks');
      expect(text(thanks.querySelector('h2'))).to.equal('Thank you for your feedback!');
      expectNo(el, 'invite-link');
      await waitUntil(() => calls.responses.length === 1, 'the answer was not sent');
      const [post] = calls.responses;
      expect(post!.body).to.deep.equal({ score: 3, comment: 'Faster shipping, please', visitorId: visitorId(), locale: 'en' });
      expect(post!.headers.get('Idempotency-Key')).to.match(/^[\x21-\x7e]{16,255}$/);
      expect(post!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(post!.headers.get('Content-Type')).to.equal('application/json');
      expect(new URL(post!.url).pathname).to.match(/\/nps\/responses$/);
      await aTimeout(100);
      expect(calls.responses).to.have.length(1);
      expect(calls.status).to.have.length(1); // no invite for a detractor, and no other read
      expect(calls.dismissals).to.have.length(0);
      expect(widgetText(el)).not.to.contain('Saved.');
      await expect(el).to.be.accessible();
    });

    it('sends the score alone when the follow-up is left empty', async () => {
      const calls = api();
      configure();
      const el = await inline();
      await pick(el, 7);
      const field = getPart<HTMLTextAreaElement>(el, 'follow-up');
      field.value = '   ';
      field.dispatchEvent(new Event('input'));
      const submitted = oneEvent(el, 'encore-nps-submit') as Promise<CustomEvent<NpsSubmitDetail>>;
      getPart(el, 'submit-button').click();
      expect((await submitted).detail).to.deep.equal({ score: 7, category: 'passive' });
      await waitUntil(() => calls.responses.length === 1, 'the answer was not sent');
      expect(calls.responses[0]!.body).to.deep.equal({ score: 7, visitorId: visitorId(), locale: 'en' });
      expect(calls.status).to.have.length(1);
    });

    it('invites a signed-in promoter to refer a friend with their referral link', async () => {
      const calls = api();
      configure({ customerToken: TOKEN });
      const el = await inline();
      await pick(el, 9);
      getPart(el, 'submit-button').click();
      const invite = await waitForPart<HTMLAnchorElement>(el, 'invite-link');
      expect(invite.getAttribute('href')).to.equal(REFERRAL_URL);
      expect(text(invite)).to.equal('Refer a friend');
      expect(text(getPart(el, 'thanks'))).to.contain('Know someone who’d love us too? Refer a friend');
      // The link came with the page's session read, made with the shopper's token: no other read.
      expect(calls.status).to.have.length(1);
      expect(calls.status[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      await expect(el).to.be.accessible();
    });

    it('invites a guest promoter to create an account (the store’s join link)', async () => {
      const calls = api();
      configure();
      const el = await inline();
      await pick(el, 10);
      getPart(el, 'submit-button').click();
      const invite = await waitForPart<HTMLAnchorElement>(el, 'invite-link');
      expect(invite.getAttribute('href')).to.equal('https://shop.example.jp/account/register');
      expect(text(invite)).to.equal('Create an account to refer friends');
      expect(calls.status).to.have.length(1);
    });

    it('thanks a promoter without a link when the referral link cannot be read', async () => {
      // The session the survey was asked from is stale after a write (a redemption in another
      // widget), and reading it again fails.
      const calls = api({ status: (_call, i) => (i === 0 ? HttpResponse.json(asked) : problem(500, 'internal')) });
      serve(redeemHandler([]));
      configure({ customerToken: TOKEN, retries: 0 });
      const el = await inline();
      await el.client.post('/loyalty/redemptions', { rewardId: 'rw_500_off' });
      await pick(el, 9);
      getPart(el, 'submit-button').click();
      await waitUntil(() => calls.status.length === 2 && calls.responses.length === 1, 'the calls were not made', { timeout: 5000 });
      await aTimeout(50);
      getPart(el, 'thanks');
      expectNo(el, 'invite-link');
      expectNo(el, 'error');
    });

    it('says so, thankfully, when the server says the shopper already answered (409 nps_quiet_period)', async () => {
      const calls = api({ responses: () => problem(409, 'nps_quiet_period', 'Quiet period') });
      configure();
      const el = await inline();
      await pick(el, 5);
      const submit = getPart(el, 'submit-button');
      submit.focus(); // as a pointer click does
      submit.click();
      await waitUntil(() => widgetText(el).includes('You’ve already answered recently.'), 'no already-answered message');
      expect(text(getPart(el, 'thanks').querySelector('h2'))).to.equal('Thank you for your feedback!');
      expectNo(el, 'error');
      await waitUntil(() => focused(el) === el.shadowRoot!.querySelector('h2'), 'focus did not stay on the thanks');
      await aTimeout(100);
      expect(calls.responses).to.have.length(1); // an answer, not a fault: never retried
      await expect(el).to.be.accessible();
    });

    it('shows a refused answer with a retry, and sends it again as a new intent', async () => {
      const calls = api({ responses: (_call, i) => (i === 0 ? problem(400, 'validation_failed', 'Bad request') : HttpResponse.json(stored(2), { status: 201 })) });
      configure();
      const el = await inline();
      await pick(el, 2);
      const submit = getPart(el, 'submit-button');
      submit.focus(); // as a pointer click does
      submit.click();
      const error = await waitForPart(el, 'error');
      expect(text(error)).to.equal('Something went wrong.');
      expect(error.getAttribute('role')).to.equal('alert');
      await waitUntil(() => focused(el) === error, 'focus did not move to the error');
      expect(radios(el)[2]!.checked).to.equal(true);
      expectNo(el, 'submit-button');
      await expect(el).to.be.accessible();

      const retry = getPart<HTMLButtonElement>(el, 'retry-button');
      expect(text(retry)).to.equal('Try again');
      retry.click();
      await waitForPart(el, 'thanks');
      await waitUntil(() => calls.responses.length === 2, 'the answer was not sent again');
      // The server keeps the refusal under the first key: only a new key can be answered.
      expect(calls.responses[0]!.headers.get('Idempotency-Key')).not.to.equal(calls.responses[1]!.headers.get('Idempotency-Key'));
      expect(calls.responses[1]!.body).to.deep.equal({ score: 2, visitorId: visitorId(), locale: 'en' });
    });

    it('keeps an answer made offline and delivers it once when the connection is back', async () => {
      let online = false;
      const calls = api({ responses: (call) => (online ? HttpResponse.json(stored((call.body as { score: number }).score), { status: 201 }) : HttpResponse.error()) });
      configure();
      const el = await inline();
      await pick(el, 8);
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'thanks');
      const note = () => text(getPart(el, 'thanks').querySelector('[role="status"]'));
      await waitUntil(() => note() === 'Saved. We’ll send it as soon as we can.', 'no saved-offline note', { timeout: 5000 });
      expect(calls.responses.length).to.be.at.least(2);
      await expect(el).to.be.accessible();

      online = true;
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => note() === '', 'the note stayed after delivery', { timeout: 5000 });
      const keys = new Set(calls.responses.map((call) => call.headers.get('Idempotency-Key')));
      expect(keys.size).to.equal(1);
      expect(calls.responses.every((call) => JSON.stringify(call.body) === JSON.stringify(calls.responses[0]!.body))).to.equal(true);
      const sent = calls.responses.length;
      await aTimeout(1200);
      expect(calls.responses).to.have.length(sent); // delivered: never sent again
      expect(el.outbox.pending('nps')).to.deep.equal([]);
    });

    it('delivers once after a 500, under the same Idempotency-Key', async () => {
      const calls = api({ responses: (call, i) => (i < 2 ? problem(500, 'internal') : HttpResponse.json(stored((call.body as { score: number }).score), { status: 201 })) });
      configure();
      const el = await inline();
      await pick(el, 6);
      getPart(el, 'submit-button').click();
      await waitUntil(() => calls.responses.length === 3 && el.outbox.pending('nps').length === 0, 'the answer was not delivered', { timeout: 5000 });
      expect(new Set(calls.responses.map((call) => call.headers.get('Idempotency-Key'))).size).to.equal(1);
      await aTimeout(1200);
      expect(calls.responses).to.have.length(3);
      expectNo(el, 'error');
      getPart(el, 'thanks');
    });
  });

  describe('dismissing', () => {
    it('records the dismissal, fires the event and takes no more space', async () => {
      const calls = api();
      configure({ customerToken: TOKEN });
      const el = await inline();
      const dismissed = oneEvent(document, 'encore-nps-dismiss') as Promise<CustomEvent<NpsDismissDetail>>;
      getPart(el, 'dismiss-button').click();
      const event = await dismissed;
      expect(event.detail).to.deep.equal({});
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      await el.updateComplete;
      expect(el.hidden).to.equal(true);
      expect(el.getBoundingClientRect().height).to.equal(0);
      await waitUntil(() => calls.dismissals.length === 1, 'the dismissal was not sent');
      expect(calls.dismissals[0]!.body).to.deep.equal({ visitorId: visitorId() });
      expect(calls.dismissals[0]!.headers.get('Idempotency-Key')).to.match(/^[\x21-\x7e]{16,255}$/);
      expect(calls.dismissals[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(calls.responses).to.have.length(0);
    });

    it('keeps a dismissal made offline and delivers it once', async () => {
      let online = false;
      const calls = api({ dismissals: () => (online ? HttpResponse.json({ nextAskAt: '2025-12-20T09:30:00.000Z' }, { status: 201 }) : HttpResponse.error()) });
      configure();
      const el = await inline();
      getPart(el, 'dismiss-button').click();
      await waitUntil(() => calls.dismissals.length >= 2, 'the dismissal was not retried', { timeout: 5000 });
      expect(el.outbox.pending('nps')).to.have.length(1);
      online = true;
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => el.outbox.pending('nps').length === 0, 'the dismissal was not delivered', { timeout: 5000 });
      expect(new Set(calls.dismissals.map((call) => call.headers.get('Idempotency-Key'))).size).to.equal(1);
    });

    it('closing the thanks records no dismissal', async () => {
      let dismissEvents = 0;
      const calls = api();
      configure();
      const el = await inline();
      el.addEventListener('encore-nps-dismiss', () => dismissEvents++);
      await pick(el, 9);
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'thanks');
      getPart(el, 'dismiss-button').click();
      await el.updateComplete;
      expect(el.hidden).to.equal(true);
      await waitUntil(() => calls.responses.length === 1, 'the answer was not sent');
      await aTimeout(100);
      expect(calls.dismissals).to.have.length(0);
      expect(dismissEvents).to.equal(0);
    });
  });

  describe('popup', () => {
    async function popup(delayMs = 0): Promise<{ el: EncoreNpsSurvey; before: HTMLButtonElement; after: HTMLButtonElement; calls: Api; shownAfter: number }> {
      const calls = api();
      configure();
      const start = performance.now();
      const wrapper = await fixture(
        html`<div><button>Before</button><encore-nps-survey mode="popup" delay=${delayMs}></encore-nps-survey><button>After</button></div>`,
      );
      const [before, after] = Array.from(wrapper.querySelectorAll('button')) as HTMLButtonElement[];
      const el = wrapper.querySelector('encore-nps-survey')!;
      before!.focus();
      await waitForPart(el, 'dialog');
      const shownAfter = performance.now() - start;
      await settled(el);
      return { el, before: before!, after: after!, calls, shownAfter };
    }

    it('slides in after the delay, as a non-modal dialog that does not steal focus', async () => {
      const { el, before, calls, shownAfter } = await popup(400);
      expect(shownAfter).to.be.at.least(400);
      expect(calls.status).to.have.length(1);
      const dialog = getPart(el, 'dialog');
      expect(dialog.getAttribute('role')).to.equal('dialog');
      expect(dialog.hasAttribute('aria-modal')).to.equal(false);
      expect(text(el.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!))).to.equal(QUESTION);
      expect(getComputedStyle(dialog).position).to.equal('fixed');
      const box = dialog.getBoundingClientRect();
      expect(innerHeight - box.bottom).to.be.closeTo(16, 1); // the bottom corner at the inline end
      expect(innerWidth - box.right).to.be.closeTo(16, 20);
      expectSame(document.activeElement, before);
      expectSame(focused(el), null);
      await expect(el).to.be.accessible();
    });

    it('is hidden, and takes no space, until the delay has passed', async () => {
      api();
      configure();
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey mode="popup" delay="1000"></encore-nps-survey>`);
      await aTimeout(200);
      expect(el.hidden).to.equal(true);
      expectNo(el, 'dialog');
      await waitForPart(el, 'dialog');
      expect(el.hidden).to.equal(false);
      // Fixed in a corner: the host holds no space in the page.
      expect(el.getBoundingClientRect().height).to.equal(0);
    });

    it('loads even when its tag sits far below the fold', async () => {
      api();
      configure();
      const wrapper = await fixture(html`<div><div style="block-size: 5000px"></div><encore-nps-survey mode="popup"></encore-nps-survey></div>`);
      const el = wrapper.querySelector('encore-nps-survey')!;
      const dialog = await waitForPart(el, 'dialog');
      await settled(el);
      expect(dialog.getBoundingClientRect().bottom).to.be.at.most(innerHeight);
    });

    it('lets Tab in and out (no focus trap), closes on Escape, records it and returns focus', async () => {
      const { el, after, calls } = await popup();
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), getPart(el, 'dismiss-button'));
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), radios(el)[0]);
      await sendKeys({ press: 'Tab' });
      expectSame(document.activeElement, after);
      // Back in from the page below: one stop for the whole group (which option is the browser's choice while none is checked).
      await shiftTab();
      const entered = radios(el).indexOf(focused(el) as HTMLInputElement);
      expect(entered === 0 || entered === 10, `entered the group at ${entered}`).to.equal(true);
      await sendKeys({ press: 'ArrowRight' }); // 10 wraps to 0
      await el.updateComplete;
      expect(radios(el)[(entered + 1) % 11]!.checked).to.equal(true);
      expect(followUpLabel(el)).to.equal('What should we improve? (optional)');
      await expect(el).to.be.accessible();
      await shiftTab();
      expectSame(focused(el), getPart(el, 'dismiss-button'));
      await sendKeys({ press: 'Tab' });
      expect(focused(el)).to.equal(radios(el)[(entered + 1) % 11]); // the checked option is the group's stop

      const dismissed = oneEvent(el, 'encore-nps-dismiss');
      await sendKeys({ press: 'Escape' });
      await dismissed;
      await el.updateComplete;
      expectNo(el, 'dialog');
      expect(el.hidden).to.equal(true);
      // Focus goes back where it came from when it entered the popup.
      expectSame(document.activeElement, after);
      await waitUntil(() => calls.dismissals.length === 1, 'the dismissal was not sent');
      expect(calls.dismissals[0]!.body).to.deep.equal({ visitorId: visitorId() });
      expect(calls.responses).to.have.length(0);
    });

    it('closes with its Close button, returning focus to where it came from', async () => {
      const { el, before, calls } = await popup();
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), getPart(el, 'dismiss-button'));
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expectNo(el, 'dialog');
      expectSame(document.activeElement, before);
      await waitUntil(() => calls.dismissals.length === 1, 'the dismissal was not sent');
    });

    it('leaves focus alone when closed while the shopper is elsewhere', async () => {
      const { el, before } = await popup();
      const close = getPart(el, 'dismiss-button');
      close.click(); // a pointer click does not move focus in this test
      await el.updateComplete;
      expectSame(document.activeElement, before);
    });

    it('answers inside the popup and thanks there', async () => {
      const { el, before, calls } = await popup();
      radios(el)[9]!.focus();
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(radios(el)[9]!.checked).to.equal(true);
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expectSame(focused(el), getPart(el, 'submit-button'));
      await sendKeys({ press: 'Enter' });
      await waitForPart(el, 'thanks');
      await waitForPart(el, 'invite-link');
      const dialog = getPart(el, 'dialog');
      const heading = el.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!);
      expect(text(heading)).to.equal('Thank you for your feedback!');
      await waitUntil(() => focused(el) === heading, 'focus did not move to the thanks');
      await waitUntil(() => calls.responses.length === 1, 'the answer was not sent');
      await expect(el).to.be.accessible();
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expectNo(el, 'dialog');
      expectSame(document.activeElement, before);
      expect(calls.dismissals).to.have.length(0);
    });

    it('slides without motion when the shopper prefers reduced motion', async () => {
      try {
        await emulateMedia({ reducedMotion: 'reduce' });
        const { el } = await popup();
        expect(getComputedStyle(getPart(el, 'dialog')).animationName).to.equal('none');
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
      const { el } = await popup();
      expect(getComputedStyle(getPart(el, 'dialog')).animationName).to.equal('encore-nps-in');
    });

    it('stays hidden when the shopper is not asked now', async () => {
      const calls = api({ status: () => HttpResponse.json(answered) });
      configure();
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey mode="popup"></encore-nps-survey>`);
      await waitUntil(() => calls.status.length === 1, 'the status was not read');
      await aTimeout(100);
      expect(el.hidden).to.equal(true);
      expectNo(el, 'dialog');
    });

    it('does not interrupt the shopper with an error: it stays hidden and tells the merchant', async () => {
      const warnings: unknown[][] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args);
      try {
        const calls = api({ status: () => problem(500, 'internal') });
        configure({ retries: 0 });
        const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey mode="popup"></encore-nps-survey>`);
        await waitUntil(() => warnings.length === 1, 'no warning for the merchant');
        expect(calls.status).to.have.length(1);
        expect(el.hidden).to.equal(true);
        expect(el.shadowRoot!.children).to.have.length(0);
        expect(String(warnings[0]![0])).to.contain('<encore-nps-survey>');
      } finally {
        console.warn = warn;
      }
    });
  });

  describe('faults (SPEC §4): a clear message and a retry that works', () => {
    const cases: Array<{ name: string; fail: () => Response | Promise<Response>; message: string; attempts: number; timeout?: number; retries?: number }> = [
      { name: 'an unreachable API', fail: () => HttpResponse.error(), message: 'We couldn’t reach the rewards service. Check your connection and try again.', attempts: 2 },
      { name: 'a 500', fail: () => problem(500, 'internal', 'Internal Server Error'), message: 'Something went wrong on our side.', attempts: 2 },
      { name: 'a timeout', fail: async () => (await delay(3000), HttpResponse.json(asked)), message: 'The rewards service took too long to answer.', attempts: 1, timeout: 1000, retries: 0 },
      { name: 'malformed JSON', fail: () => new HttpResponse('{"ask": tr', { headers: { 'Content-Type': 'application/json' } }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'a reply of the wrong shape', fail: () => HttpResponse.json({ ask: 'yes', reason: null, nextAskAt: null }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'a reply without `ask`', fail: () => HttpResponse.json({ reason: null, nextAskAt: null }), message: 'Something went wrong on our side.', attempts: 1 },
      { name: 'a 401 (invalid token)', fail: () => problem(401, 'token_invalid', 'Invalid token'), message: 'Your sign-in has expired. Reload the page to sign in again.', attempts: 1 },
      { name: 'a 404 store', fail: () => problem(404, 'store_not_found'), message: 'Something went wrong.', attempts: 1 },
    ];

    for (const { name, fail, message, attempts, timeout, retries } of cases) {
      it(`recovers from ${name}`, async () => {
        let failing = true;
        const calls = api({ status: () => (failing ? fail() : HttpResponse.json(asked)) });
        configure({ customerToken: TOKEN, retries: retries ?? 1, ...(timeout && { timeout }) });
        const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey></encore-nps-survey>`);

        await waitForState(el, 'error');
        const error = getPart(el, 'error');
        expect(text(error)).to.equal(message);
        expect(error.getAttribute('role')).to.equal('alert');
        expect(calls.status).to.have.length(attempts);
        expect(el.hidden).to.equal(false);

        failing = false;
        getPart(el, 'retry-button').click();
        await ready(el);
        expectNo(el, 'error');
        expect(calls.status).to.have.length(attempts + 1);
      });
    }

    it('is accessible in the error state', async () => {
      api({ status: () => problem(503, 'internal') });
      configure({ retries: 0 });
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey></encore-nps-survey>`);
      await waitForState(el, 'error');
      await expect(el).to.be.accessible();
    });

    it('says it is not set up when no store is configured', async () => {
      configure({ store: '' });
      const el = await fixture<EncoreNpsSurvey>(html`<encore-nps-survey></encore-nps-survey>`);
      await waitForState(el, 'error');
      expect(text(getPart(el, 'error'))).to.equal('This widget is not set up yet (missing store or API address).');
    });
  });

  describe('locale', () => {
    it('speaks Japanese, and says which language the answer was given in', async () => {
      const calls = api();
      configure();
      const el = await inline(html`<encore-nps-survey locale="ja"></encore-nps-survey>`);
      expect(getPart(el, 'base').getAttribute('lang')).to.equal('ja');
      expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('当店を友人や同僚にすすめる可能性はどのくらいありますか？');
      expect(widgetText(el)).to.contain('まったくすすめない').and.contain('ぜひすすめたい');
      expect(getPart(el, 'dismiss-button').getAttribute('aria-label')).to.equal('閉じる');
      await expect(el).to.be.accessible();
      await pick(el, 4);
      expect(followUpLabel(el)).to.equal('改善すべき点を教えてください。 （任意）');
      await pick(el, 7);
      expect(followUpLabel(el)).to.equal('もっと良くするために、できることはありますか？ （任意）');
      await pick(el, 10);
      expect(followUpLabel(el)).to.equal('特に気に入っている点を教えてください。 （任意）');
      expect(text(getPart(el, 'submit-button'))).to.equal('送信');
      getPart(el, 'submit-button').click();
      await waitForPart(el, 'thanks');
      expect(text(getPart(el, 'thanks').querySelector('h2'))).to.equal('ご意見ありがとうございました！');
      const invite = await waitForPart(el, 'invite-link');
      expect(text(invite)).to.equal('アカウントを作成してお友達を紹介');
      await waitUntil(() => calls.responses.length === 1, 'the answer was not sent');
      expect(calls.responses[0]!.body).to.deep.equal({ score: 10, visitorId: visitorId(), locale: 'ja' });
      await expect(el).to.be.accessible();
    });

    it('follows the configured locale and the page’s lang', async () => {
      api();
      configure({ locale: 'ja' });
      const el = await inline();
      expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('当店を友人や同僚にすすめる可能性はどのくらいありますか？');

      api();
      configure();
      const wrapper = await fixture(html`<div lang="ja-JP"><encore-nps-survey></encore-nps-survey></div>`);
      const other = wrapper.querySelector('encore-nps-survey')!;
      await ready(other);
      expect(getPart(other, 'base').getAttribute('lang')).to.equal('ja');
    });

    it('uses the merchant’s words', async () => {
      api();
      configure({ messages: { en: { 'nps.detractor': 'What went wrong?' } } });
      const el = await inline();
      await pick(el, 1);
      expect(followUpLabel(el)).to.equal('What went wrong? (optional)');
    });

    it('uses the merchant’s words from the store’s settings on the server', async () => {
      serve(sectionHandler('nps', [], () => HttpResponse.json(asked), () => session(null, { store: { messages: { en: { 'nps.detractor': 'What went wrong?' } } } })));
      configure();
      const el = await inline();
      await pick(el, 1);
      expect(followUpLabel(el)).to.equal('What went wrong? (optional)');
    });
  });

  it('defining the tag again does not throw', () => {
    expect(() => define('encore-nps-survey', EncoreNpsSurvey)).not.to.throw();
    expect(customElements.get('encore-nps-survey')).to.equal(EncoreNpsSurvey);
  });
});
