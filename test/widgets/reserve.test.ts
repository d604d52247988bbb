/**
 * The place a widget keeps while it loads (SPEC §2 and §5, no layout shift): `:state(loading)` from
 * construction until the first render without the skeleton, and with it the block size in
 * `--encore-reserve-block-size` (which the loader sets per tag, test/widgets/loader.test.ts). The
 * skeleton fills that place; the loaded widget takes its own size, which it remembers for the
 * loader to reserve next time.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { HttpResponse } from 'msw';
import { define } from '../../src/core/define.ts';
import { EncoreNpsSurvey } from '../../src/widgets/nps-survey/define.ts';
import { EncorePointsBalance } from '../../src/widgets/points-balance/define.ts';
import { configure, gate, getPart, serve, session, sessionHandler, waitForState, type Call } from './support.ts';

define('encore-points-balance', EncorePointsBalance);
define('encore-nps-survey', EncoreNpsSurvey);

const loading = (el: Element) => el.matches(':state(loading)');
const height = (el: Element) => el.getBoundingClientRect().height;

describe('the place a widget reserves while it loads', () => {
  beforeEach(() => localStorage.removeItem('encore:place:encore-points-balance:0:347'));

  it('keeps the reserved block size from construction until its data shows, the skeleton filling it', async () => {
    configure();
    const calls: Call[] = [];
    const reply = gate();
    serve(sessionHandler(calls, async () => (await reply.wait, HttpResponse.json(session(null)))));
    // Before connection: the state is there before any render (the text may not have arrived).
    const early = document.createElement('encore-points-balance');
    expect(loading(early)).to.equal(true);

    const box = await fixture<HTMLElement>(html`<div style="inline-size: 347px"><encore-points-balance style="--encore-reserve-block-size: 50rem"></encore-points-balance></div>`);
    const el = box.firstElementChild!;
    await waitForState(el, 'loading');
    expect(loading(el)).to.equal(true);
    expect(height(el)).to.equal(800);
    expect(getPart(el, 'skeleton').getBoundingClientRect().height).to.equal(800);

    reply.open();
    await waitForState(el, 'data');
    expect(loading(el)).to.equal(false);
    // The guest card is shorter than 50rem: the reservation no longer holds it.
    expect(height(el)).to.be.above(0).and.below(800);
    expect(getComputedStyle(el).minBlockSize).to.equal('0px');
    // Remembered for the next view of a page of this layout (the loader reads it).
    await waitUntil(() => localStorage.getItem('encore:place:encore-points-balance:0:347') !== null, 'the place was not remembered');
    expect(Number(localStorage.getItem('encore:place:encore-points-balance:0:347'))).to.equal(Math.round(height(el)));
  });

  it('without a reservation the skeleton takes its own size', async () => {
    configure();
    serve(sessionHandler([], () => new Promise<Response>(() => undefined)));
    const el = await fixture(html`<encore-points-balance></encore-points-balance>`);
    await waitForState(el, 'loading');
    expect(loading(el)).to.equal(true);
    expect(height(el)).to.equal(getPart(el, 'skeleton').getBoundingClientRect().height);
    expect(height(el)).to.be.above(100);
  });

  it('leaves the state at the first render without a skeleton: a popup survey takes no place', async () => {
    configure({ customerToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfaGFuYWtvIn0.sig' });
    serve(sessionHandler([], () => new Promise<Response>(() => undefined)));
    const el = await fixture<HTMLElement>(html`<encore-nps-survey mode="popup" style="--encore-reserve-block-size: 20rem"></encore-nps-survey>`);
    await (el as EncoreNpsSurvey).updateComplete;
    expect(loading(el)).to.equal(false);
    expect(height(el)).to.equal(0);
  });
});
