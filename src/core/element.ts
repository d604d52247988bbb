/**
 * What every Encore widget shares: configuration and client from context, per-widget attribute
 * overrides, locale resolution, text and formatting, and the error state with its retry button.
 * It knows no particular widget.
 */
import { ContextConsumer } from '@lit/context';
import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { ApiClient } from './client.ts';
import { clientFor, provideRuntime, runtimeContext } from './context.ts';
import { ApiError } from './errors.ts';
import { Formatter } from './format.ts';
import { encoreGlobal, type EncoreConfig } from './global.ts';
import { catalog, coreMessages, loadCatalogs, resolveLocale, Translator, type Catalog, type Locale, type MessageLoaders } from './i18n.ts';
import { outboxFor, type Outbox } from './outbox.ts';
import { placeOf } from './places.ts';
import { storeWords } from './session.ts';
import { nextTask } from './task.ts';

/** Widgets read nothing until they come within this distance of the viewport (SPEC §5). */
const NEAR = '800px 0px';
let nearObserver: IntersectionObserver | undefined;

/**
 * Settles once the loader's worker has set up the browser's Intl (src/encore.ts), if it started one:
 * until then a formatter made here would wait for the worker's, a long task (SPEC §5).
 */
let intl: Promise<unknown> | undefined = encoreGlobal().intl?.then(() => (intl = undefined));

/**
 * The base of every widget.
 *
 * @cssproperty --encore-reserve-block-size - The block size the widget keeps while it loads (the loader sets a default per tag, or the size it took last time in the same place).
 * @cssstate loading - From construction until the first render without the skeleton; the widget keeps `--encore-reserve-block-size` meanwhile.
 */
export class EncoreElement extends LitElement {
  static override properties: PropertyDeclarations = {
    api: {},
    store: {},
    locale: {},
    customerToken: { attribute: 'customer-token' },
    near: { state: true },
  };

  /** The widget's own catalogues, one chunk per locale (set by each widget class). */
  static messages: MessageLoaders = coreMessages;

  #runtime = (provideRuntime(), new ContextConsumer(this, { context: runtimeContext, subscribe: true }));
  /**
   * `:state(loading)` until the first render without the skeleton: the widget keeps the block size
   * the loader reserved for it (`--encore-reserve-block-size`), also before its text has arrived.
   */
  #states = this.attachInternals().states;
  #client: { key: string; client: ApiClient } | undefined;
  /** `later()`: the steps shown so far, and whether the render just made left one out. */
  #shown = 0;
  #more = false;
  /** The task that shows what `later()` deferred. */
  #rest: Promise<void> | undefined;
  #i18n: { layers: Catalog[]; value: Translator } | undefined;

  /** Overrides the global API base URL for this widget. */
  declare api: string | undefined;
  /** Overrides the global store id for this widget. */
  declare store: string | undefined;
  /** Overrides the locale (`en`, `ja`) for this widget. */
  declare locale: string | undefined;
  /** Overrides the customer token for this widget. */
  declare customerToken: string | undefined;

  /** True once the widget is near the viewport; data tasks wait for it. */
  declare protected near: boolean;

  constructor() {
    super();
    this.#states?.add('loading');
    this.addController({
      hostUpdated: () => {
        if (this.#more && !this.#rest) {
          this.#rest = nextTask().then(() => {
            this.#shown++;
            this.#rest = undefined;
            this.requestUpdate();
          });
        }
        if (this.#rest || !this.#states?.has('loading') || this.renderRoot.querySelector('[part~="skeleton"]')) return;
        this.#states.delete('loading');
        // The size it takes with its data, read after layout (none forced): the next view's place.
        const sizes = new ResizeObserver(([entry]) => {
          sizes.disconnect();
          try {
            localStorage.setItem(placeOf(this, !!this.config.customerToken), `${Math.round(entry!.borderBoxSize[0]!.blockSize)}`);
          } catch {
            /* storage full or off */
          }
        });
        sizes.observe(this);
      },
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.near) return;
    nearObserver ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          nearObserver!.unobserve(entry.target);
          // Widgets that come near together start (and render) in tasks of their own.
          void nextTask().then(() => ((entry.target as EncoreElement).near = true));
        }
      },
      { rootMargin: NEAR },
    );
    nearObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    nearObserver?.unobserve(this);
  }

  /** Global configuration with this widget's attributes applied. */
  get config(): Readonly<EncoreConfig> {
    const global = this.#runtime.value?.config ?? window.Encore.config;
    return {
      ...global,
      api: this.api || global.api,
      store: this.store || global.store,
      locale: this.locale || global.locale,
      customerToken: this.customerToken || global.customerToken,
    };
  }

  /** The shared client, or one of this widget's own when its attributes point elsewhere. */
  get client(): ApiClient {
    const runtime = this.#runtime.value;
    if (runtime && !this.api && !this.store && !this.customerToken) return runtime.client;
    const config = this.config;
    const key = `${config.api}|${config.store}|${typeof config.customerToken === 'string' ? config.customerToken : ''}|${runtime ? '' : 'x'}`;
    if (this.#client?.key !== key) this.#client = { key, client: clientFor(config) };
    return this.#client.client;
  }

  /** The outbox of this widget's API and store: answers kept until the server acknowledges them. */
  get outbox(): Outbox {
    return outboxFor(this.client);
  }

  /** The locale this widget shows: its own or the global setting, else the nearest `lang`. */
  get #locale(): Locale {
    return resolveLocale(this.config.locale, this.closest('[lang]')?.getAttribute('lang'), document.documentElement.lang);
  }

  get #catalogs(): MessageLoaders[] {
    return [(this.constructor as typeof EncoreElement).messages, coreMessages];
  }

  /** Renders wait for this widget's text in its locale (usually already fetched by the loader) and for Intl. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const catalogs = loadCatalogs(this.#locale, this.#catalogs);
    const arriving = intl ? Promise.all([intl, catalogs]) : catalogs;
    // Widgets waiting on one catalogue render in tasks of their own once it arrives (nextTask), and
    // a first render never joins the task that defined or added the element (SPEC §5, long tasks).
    return arriving || !this.hasUpdated ? Promise.resolve(arriving).then(nextTask).then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  /**
   * Content that the first render using it leaves for the next task. A widget's first render pays
   * for preparing every Lit template it shows, and a long list or form can take it over 50 ms with
   * the CPU slowed 4× (SPEC §5); a widget passes part of it through here. Until that part is in,
   * the widget keeps `:state(loading)` and its reserved place, and `updateComplete` waits for it.
   * `step` is the number of tasks it waits: 0 shows it at once (the first items of a list the rest
   * of which waits), and a long list comes in steps of a few items each.
   */
  protected later<T>(content: () => T, step = 1): T | typeof nothing {
    if (step <= this.#shown) return content();
    this.#more = true;
    return nothing;
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    return this.#rest ? this.#rest.then(() => this.getUpdateComplete()) : done;
  }

  /** The translator of the update in progress: a render asks for it many times (SPEC §5). */
  #rendering: { value?: Translator } | undefined;

  protected override update(changed: PropertyValues): void {
    this.#rendering = {};
    this.#more = false;
    try {
      super.update(changed);
    } finally {
      this.#rendering = undefined;
    }
  }

  get i18n(): Translator {
    const rendering = this.#rendering;
    return rendering ? (rendering.value ??= this.#translator()) : this.#translator();
  }

  #translator(): Translator {
    const locale = this.#locale;
    const { messages } = this.config;
    const found = (source: Catalog | undefined): source is Catalog => source !== undefined;
    // Merchant words first (configuration, then the store's settings), then the widget's and the
    // core's catalogues, then English for a key the locale lacks (when English has arrived).
    const layers = [
      messages?.[locale],
      storeWords.get(this.client)?.[locale],
      ...this.#catalogs.map((loaders) => catalog(loaders, locale)),
      ...this.#catalogs.map((loaders) => catalog(loaders, 'en')),
    ].filter(found);
    const memo = this.#i18n;
    if (memo?.value.locale === locale && memo.layers.length === layers.length && memo.layers.every((layer, i) => layer === layers[i])) return memo.value;
    const value = new Translator(locale, layers);
    this.#i18n = { layers, value };
    return value;
  }

  /** Intl formatting in this widget's locale and the given currency. */
  formatter(currency: string): Formatter {
    return new Formatter(this.i18n, currency);
  }

  /** Fires a bubbling, composed `encore-*` event with a typed detail. */
  protected emit<K extends keyof HTMLElementEventMap>(type: K, detail: HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** The message a shopper reads for a failed call. */
  protected errorMessage(error: unknown): string {
    const { i18n } = this;
    if (!(error instanceof ApiError)) return i18n.t('error.generic');
    switch (error.kind) {
      case 'network':
        return i18n.t('error.network');
      case 'timeout':
        return i18n.t('error.timeout');
      case 'config':
        return i18n.t('error.config');
      case 'http':
        if (error.status === 429) return i18n.t('error.rate', { seconds: Math.ceil(error.retryAfter ?? 30) });
        if (error.code === 'token_expired' || error.code === 'token_invalid') return i18n.t('error.session');
        return error.status >= 500 ? i18n.t('error.server') : i18n.t('error.generic');
      default:
        return i18n.t('error.server');
    }
  }

  /** The error state: a clear message and a retry button. */
  protected renderError(error: unknown, retry: () => void): TemplateResult {
    return html`<div part="base error-state">
      <p part="error" role="alert">${this.errorMessage(error)}</p>
      <button part="retry-button" type="button" @click=${retry}>${this.i18n.t('retry')}</button>
    </div>`;
  }
}
