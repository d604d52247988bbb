/**
 * Widgets wait for the loader's Intl worker (src/encore.ts) before their first render: a formatter
 * made on the main thread meanwhile would wait for the worker's, a long task (SPEC §5). This page
 * has no loader; the test stands in for it by setting `Encore.intl` before the core runs.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { HttpResponse } from 'msw';
import { encoreGlobal } from '../../src/core/global.ts';
import { configure, gate, getPart, serve, session, sessionHandler, text, waitForState, type Call } from './support.ts';

const worker = gate();
encoreGlobal().intl = worker.wait;

describe('the wait for Intl', () => {
  before(async () => {
    await import('../../src/widgets/points-balance/define.ts');
  });

  it('renders nothing until the worker has answered, then renders as usual', async () => {
    configure({ locale: 'en' });
    const calls: Call[] = [];
    serve(sessionHandler(calls, () => HttpResponse.json(session(null))));
    // Not fixture(): it waits for the first update, which is what waits here.
    const el = document.createElement('encore-points-balance');
    document.body.append(el);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(el.shadowRoot!.childElementCount).to.equal(0); // not even the skeleton
    expect(el.matches(':state(loading)')).to.equal(true); // the place stays reserved

    worker.open();
    await waitForState(el, 'data');
    expect(text(getPart(el, 'join-link'))).to.equal('Create an account');
    expect(calls).to.have.length(1);
    el.remove();
  });

  it('waits no more once the worker has answered', async () => {
    configure({ locale: 'en' });
    serve(sessionHandler([], () => HttpResponse.json(session(null))));
    const el = await fixture(html`<encore-points-balance></encore-points-balance>`);
    await waitForState(el, 'data');
  });
});
