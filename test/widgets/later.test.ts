/**
 * `later()` (src/core/element.ts): content that a widget's first render using it leaves for the
 * next task, so that the first render with data, which prepares every Lit template it shows, is
 * split in two (SPEC §5: no long task over 50 ms at 4× CPU). Until that content is in, the widget
 * keeps `:state(loading)` (its reserved place) and `updateComplete` waits for it. And `prepare()`
 * (src/core/define.ts), which the loader runs a task before defining a widget's tag.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { css, html, type TemplateResult } from 'lit';
import { define, prepare } from '../../src/core/define.ts';
import { EncoreElement } from '../../src/core/element.ts';
import { configure } from './support.ts';

class Split extends EncoreElement {
  static override properties = { ...EncoreElement.properties, label: {} };
  declare label: string;

  constructor() {
    super();
    this.label = 'one';
  }

  override render(): TemplateResult {
    return html`<p part="base">${this.label}</p>${this.later(() => html`<ul id="rest"><li>${this.label}</li></ul>`)}`;
  }
}
define('encore-test-split', Split);

interface Seen {
  rest: string | null;
  loading: boolean;
}

function watch(el: Split): Seen[] {
  const seen: Seen[] = [];
  el.addController({
    hostUpdated: () => seen.push({ rest: el.renderRoot.querySelector('#rest')?.textContent ?? null, loading: el.matches(':state(loading)') }),
  });
  return seen;
}

describe('content a first render leaves for the next task', () => {
  beforeEach(() => configure({ locale: 'en' }));

  it('shows the rest in a task of its own, keeping the loading state until then', async () => {
    const el = document.createElement('encore-test-split') as Split;
    const seen = watch(el);
    let afterMicrotasks: Seen | undefined;
    let firstDone: Promise<boolean> | undefined;
    el.addController({
      hostUpdated: () => {
        if (seen.length !== 1) return;
        // Still missing once this task's microtasks have run: the rest waits for another task.
        void Promise.resolve()
          .then(() => undefined)
          .then(() => (afterMicrotasks = { rest: el.renderRoot.querySelector('#rest')?.textContent ?? null, loading: el.matches(':state(loading)') }));
        firstDone = el.updateComplete;
      },
    });
    document.body.append(el);
    await waitUntil(() => firstDone !== undefined, 'the first render never happened');
    await firstDone;
    // updateComplete of the first render waited for the rest.
    expect(seen).to.deep.equal([
      { rest: null, loading: true },
      { rest: 'one', loading: false },
    ]);
    expect(afterMicrotasks).to.deep.equal({ rest: null, loading: true });
    el.remove();
  });

  it('defers only once: later renders show everything at once', async () => {
    const el = document.createElement('encore-test-split') as Split;
    document.body.append(el);
    await el.updateComplete;
    const seen = watch(el);
    el.label = 'two';
    await el.updateComplete;
    expect(seen).to.deep.equal([{ rest: 'two', loading: false }]);
    el.remove();
  });
});

describe('preparing a class a task before defining it', () => {
  it('finalizes the class and makes its stylesheets, and the tag then works as usual', async () => {
    configure({ locale: 'en' });
    class Prepared extends EncoreElement {
      static override styles = css`p { color: rgb(1, 2, 3); }`;
      override render(): TemplateResult {
        return html`<p part="base">ready</p>`;
      }
    }
    let el: Prepared;
    // Counts the CSS parsed into constructed sheets (what a style's `styleSheet` does the first time).
    const replaceSync = CSSStyleSheet.prototype.replaceSync;
    let parsed = 0;
    CSSStyleSheet.prototype.replaceSync = function (this: CSSStyleSheet, text: string) {
      parsed++;
      return replaceSync.call(this, text);
    };
    try {
      expect(Object.hasOwn(Prepared, 'elementStyles')).to.equal(false);
      prepare(Prepared);
      expect(Object.hasOwn(Prepared, 'elementStyles')).to.equal(true);
      expect(parsed, 'its own style parsed by prepare()').to.be.at.least(1);
      parsed = 0;
      define('encore-test-prepared', Prepared);
      el = document.createElement('encore-test-prepared') as Prepared;
      document.body.append(el);
      await el.updateComplete;
    } finally {
      CSSStyleSheet.prototype.replaceSync = replaceSync;
    }
    expect(parsed, 'nothing left to parse when the tag is defined and its element connected').to.equal(0);
    const sheets = Prepared.elementStyles.map((style) => (style instanceof CSSStyleSheet ? style : style.styleSheet));
    // The sheets made ahead are the ones the element adopts.
    expect(el.shadowRoot!.adoptedStyleSheets).to.include(sheets.at(-1));
    expect(getComputedStyle(el.shadowRoot!.querySelector('p')!).color).to.equal('rgb(1, 2, 3)');
    el.remove();
  });
});
