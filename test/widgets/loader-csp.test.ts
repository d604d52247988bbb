/**
 * The loader on a page whose Content-Security-Policy refuses its Intl worker (Trusted Types, or
 * `worker-src` without `data:`): the Worker constructor throws there, and the widgets render all
 * the same, the main thread setting Intl up itself. A page of its own: the loader runs once.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { HttpResponse } from 'msw';
import { API, getPart, serve, session, sessionHandler, text, waitForState } from './support.ts';

const refused: string[] = [];

describe('encore.js where the page refuses workers', () => {
  const RealWorker = window.Worker;

  before(async () => {
    // What Chromium does under `require-trusted-types-for 'script'` with a string URL.
    window.Worker = class {
      constructor(url: string | URL) {
        refused.push(String(url));
        throw new TypeError("Failed to construct 'Worker': This document requires 'TrustedScriptURL' assignment.");
      }
    } as unknown as typeof Worker;
    const script = document.createElement('script');
    script.type = 'text/plain';
    script.src = '/cdn/encore/encore.js';
    script.dataset['api'] = API;
    script.dataset['store'] = 'csp-store';
    document.head.append(script);
    const ready = oneEvent(document, 'encore-ready');
    await import('../../src/encore.ts');
    await ready;
  });

  after(() => {
    window.Worker = RealWorker;
  });

  it('tries the worker once widgets appear, and the widgets render without it', async () => {
    serve(sessionHandler([], () => HttpResponse.json(session(null))));
    const el = await fixture(html`<encore-points-balance locale="en"></encore-points-balance>`);
    expect(await window.Encore.intl).to.equal(0); // settled without a worker's answer
    expect(refused).to.have.length(1);
    expect(refused[0]).to.match(/^data:text\/javascript,/);
    await customElements.whenDefined('encore-points-balance');
    await waitForState(el, 'data');
    expect(text(getPart(el, 'join-link'))).to.equal('Create an account');
  });
});
