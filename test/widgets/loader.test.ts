/**
 * The one-tag loader, `encore.js`, as a merchant embeds it. This page starts with no widget
 * defined and one `<script data-*>` tag; the loader is imported once in `before()`, so the tests
 * below follow one page's life in order.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { HttpResponse } from 'msw';
import type { EncoreConfig } from '../../src/core/global.ts';
import { API, getPart, serve, session, sessionHandler, text, waitForState, type Call } from './support.ts';

const TAG = 'encore-points-balance';
/** The source of each worker the page starts (the loader's Intl warm-up). */
const workers: string[] = [];
window.Worker = class extends Worker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workers.push(decodeURIComponent(String(url)));
  }
};
const configured: Array<Readonly<EncoreConfig>> = [];
let ready = 0;

describe('encore.js (the loader)', () => {
  before(async () => {
    performance.setResourceTimingBufferSize(5000); // the test page's own modules fill the default 250
    // What the merchant pastes. `type="text/plain"` keeps the browser from fetching it: the
    // loader only reads its data-* attributes.
    const script = document.createElement('script');
    script.type = 'text/plain';
    script.src = '/cdn/encore/encore.js';
    script.dataset['api'] = API;
    script.dataset['store'] = 'loader-store';
    script.dataset['locale'] = 'ja';
    document.head.append(script);
    document.addEventListener('encore-ready', () => ready++);

    expect(customElements.get(TAG)).to.equal(undefined);
    const readyOnce = oneEvent(document, 'encore-ready');
    await import('../../src/encore.ts');
    await readyOnce;
    window.Encore.subscribe((config) => configured.push(config));
  });

  it('configures window.Encore from its script tag', () => {
    expect(window.Encore.config).to.include({ api: API, store: 'loader-store', locale: 'ja' });
    expect(window.Encore.loaderStarted).to.equal(true);
    expect(typeof window.Encore.configure).to.equal('function');
  });

  it('defines no widget that is not on the page', () => {
    expect(customElements.get(TAG)).to.equal(undefined);
    expect(ready).to.equal(1);
  });

  it('reserves each tag its place before its chunk has run (a guest page here), and a popup survey none', async () => {
    const box = document.createElement('div');
    box.innerHTML = '<encore-returns-entry></encore-returns-entry><encore-referral-share></encore-referral-share><encore-nps-survey mode="popup"></encore-nps-survey><encore-nps-survey></encore-nps-survey>';
    document.body.append(box);
    try {
      // Checked in the same task: the loader defines a tag no earlier than a task later.
      const [returns, referral, popup, inline] = [...box.children].map((el) => ({ defined: el.matches(':defined'), style: getComputedStyle(el) }));
      expect([returns, referral, popup, inline].map((el) => el!.defined)).to.deep.equal([false, false, false, false]);
      expect(returns!.style.display).to.equal('block');
      expect(returns!.style.minBlockSize).to.equal('542px'); // 33.875rem
      expect(referral!.style.minBlockSize).to.equal('196px'); // the guest's 12.25rem, not a member's 36rem
      expect(popup!.style.minBlockSize).to.equal('0px');
      expect(inline!.style.minBlockSize).to.equal('246px');
    } finally {
      box.remove();
    }
  });

  it('reserves the size a widget took in the same place last time, when one is remembered', async () => {
    localStorage.setItem('encore:place:encore-rating-prompt:0:333', '432');
    const box = document.createElement('div');
    box.style.inlineSize = '333px';
    box.innerHTML = '<encore-rating-prompt></encore-rating-prompt>';
    const other = document.createElement('div');
    other.style.inlineSize = '334px';
    other.innerHTML = '<encore-rating-prompt></encore-rating-prompt>';
    document.body.append(box, other);
    try {
      // A tag no other test adds, so its chunk cannot have arrived. The loader meets added tags
      // through a MutationObserver (a microtask), before they are defined, and sets their places
      // as the next frame starts.
      await Promise.resolve();
      await new Promise(requestAnimationFrame);
      const el = box.firstElementChild!;
      expect(el.matches(':not(:defined)') || el.matches(':state(loading)')).to.equal(true);
      expect(getComputedStyle(el).minBlockSize).to.equal('432px');
      expect(getComputedStyle(other.firstElementChild!).minBlockSize).to.equal('104px'); // another width: the default (a guest's 6.5rem)
    } finally {
      box.remove();
      other.remove();
      localStorage.removeItem('encore:place:encore-rating-prompt:0:333');
    }
  });

  it('defines a widget when a storefront adds its tag later, and it renders', async () => {
    const calls: Call[] = [];
    serve(sessionHandler(calls, () => HttpResponse.json(session(null))));
    const el = await fixture(html`<encore-points-balance></encore-points-balance>`);
    await customElements.whenDefined(TAG);
    expect(el.matches(':defined')).to.equal(true);
    await waitForState(el, 'data');
    expect(text(getPart(el, 'join-link'))).to.equal('アカウントを作成');
    expect(new URL(calls[0]!.url).pathname).to.equal('/v1/stores/loader-store/session');
  });

  it("sets up the browser's Intl in a worker once widgets are on the page, and the worker answers", async () => {
    // The first widget was added by the test above; a page without one started no worker.
    expect(window.Encore.intl).to.be.instanceOf(Promise);
    expect(await window.Encore.intl).to.be.instanceOf(MessageEvent);
    // One worker, and it formats a date in the page's locale (ja here) as the widgets do.
    expect(workers).to.have.length(1);
    expect(workers[0]).to.match(/^data:text\/javascript,/).and.include('DateTimeFormat("ja",{dateStyle:"medium"})');
  });

  it("fetches the page locale's catalogues (the core's and the widget's) and no other", () => {
    const fetched = performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => /\/messages\.\w+\.json$/.test(path));
    expect(fetched).to.include.members(['/src/core/messages.ja.json', '/src/widgets/points-balance/messages.ja.json']);
    expect(fetched.filter((path) => path.endsWith('.en.json'))).to.deep.equal([]);
  });

  it('ignores encore-* tags it does not know', async () => {
    const el = await fixture(html`<encore-not-a-widget></encore-not-a-widget>`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(el.matches(':defined')).to.equal(false);
  });

  it('does nothing a second time when included twice', async () => {
    const before = window.Encore.config;
    await import(new URL('../../src/encore.ts?second-copy', import.meta.url).href);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(configured).to.have.length(0);
    expect(window.Encore.config).to.equal(before);
    expect(ready).to.equal(1);

    // Still one loader: a widget added now is defined once and renders once.
    serve(sessionHandler([], () => HttpResponse.json(session(null))));
    const wrapper = await fixture(html`<div><encore-points-balance></encore-points-balance></div>`);
    const el = wrapper.querySelector(TAG)!;
    await waitForState(el, 'data');
    await waitUntil(() => el.shadowRoot!.querySelectorAll('[part~="base"]').length === 1, 'rendered twice');
  });
});
