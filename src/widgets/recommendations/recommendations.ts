/**
 * <encore-recommendations>: "customers who bought this also bought", as a carousel that follows the
 * WAI-ARIA APG pattern (a named region with a role description, previous/next buttons, slides named
 * "n of m", no auto-rotation) on a native scroll-snap track, so touch swipe, trackpads and the
 * keyboard all scroll it.
 *
 * Two IntersectionObservers watch the slides. One, inside the track, decides which slides are in
 * view: the others are `inert` (nothing hidden takes focus), and only slides near the view get their
 * content, so a long list keeps a small DOM (every slide stays as an empty, correctly sized shell,
 * which keeps scroll positions and snap points exact). The other, against the viewport, counts a
 * slide as seen when half of it has been on screen for half a second; impressions and clicks are
 * sent in batches through the outbox.
 */
import { initialState, Task, TaskStatus } from '../../core/task.ts';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import * as contract from '../../../contract/schemas.ts';
import type { Recommendations, RecommendedProduct } from '../../../contract/types.ts';
import { baseStyles, EncoreElement, visitorId, type Formatter } from '../../core/index.ts';
import { messages } from './messages.ts';
import { styles } from './recommendations.styles.ts';

/** `encore-add-to-cart`: the product to add; `price` is in minor units of `currency`. */
export interface AddToCartDetail {
  id: string;
  title: string;
  price: number;
  currency: string;
  url: string;
  image: string;
}

/** `encore-recommendation-click`: `position` is zero-based; `sourceProductId` is the page's product. */
export interface RecommendationClickDetail {
  productId: string;
  position: number;
  sourceProductId: string | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'encore-recommendations': EncoreRecommendations;
  }
  interface HTMLElementEventMap {
    'encore-add-to-cart': CustomEvent<AddToCartDetail>;
    'encore-recommendation-click': CustomEvent<RecommendationClickDetail>;
  }
}

interface RecEvent {
  kind: 'impression' | 'click';
  productId: string;
  position: number;
  sourceProductId?: string;
  visitorId: string;
}

/** A slide is seen when this share of it has been on screen for SEEN_MS. */
const SEEN = 0.5;
const SEEN_MS = 500;
/** A slide is in view (not inert) with this share of it inside the track. */
const IN_VIEW = 0.85;
/** Events wait at most this long (ms) before they are sent, and go at most BATCH at a time. */
const FLUSH_MS = 4000;
const BATCH = 100;
/** Slides rendered with content before the first measurement. */
const FIRST = 12;
/**
 * Skeleton cards, and the slides that keep the skeleton's bones (same rows, same height) while
 * their cards come, four a task after the list (`later()`, SPEC §5).
 */
const SKELETON = 8;

const bones = html`<span class="bone i"></span><span class="bone t"></span><span class="bone p"></span><span class="bone r"></span><span class="bone b"></span>`;

const index = (el: Element | null | undefined): number => Number((el as HTMLElement | null)?.dataset['i'] ?? -1);

/** Only web links become hrefs (a `javascript:` URL from a bad catalogue entry does not). */
function safe(url: string): string | typeof nothing {
  try {
    return /^https?:$/.test(new URL(url, document.baseURI).protocol) ? url : nothing;
  } catch {
    return nothing;
  }
}

/**
 * Products that customers who bought this product also bought, with price, rating and add to cart.
 *
 * @tagname encore-recommendations
 * @summary A carousel of recommended products.
 * @fires encore-add-to-cart - The shopper pressed "Add to cart"; `detail` is the product. The storefront adds it.
 * @fires encore-recommendation-click - The shopper opened a recommended product; `detail` has its id and position.
 * @slot heading - Replaces the heading text (or use the `heading` attribute).
 * @slot fallback - Shown when there is nothing to recommend; without it the widget hides itself.
 * @csspart base - The carousel region.
 * @csspart skeleton - The loading placeholder: the carousel before its list arrives, and a slide waiting for its card (with `slide`).
 * @csspart error - The error message.
 * @csspart retry-button - Tries the failed call again.
 * @csspart heading - The heading.
 * @csspart prev-button - Scrolls back by a page of slides.
 * @csspart next-button - Scrolls on by a page of slides.
 * @csspart slide - Each product card.
 * @csspart image - The product image.
 * @csspart title - The product name, a link to the product.
 * @csspart price - The price.
 * @csspart rating - The star average and review count.
 * @csspart add-to-cart-button - Fires `encore-add-to-cart`.
 * @csspart empty - Holds the fallback slot when there is nothing to recommend.
 * @cssproperty --encore-recommendations-slide-width - A slide's width (default 11rem).
 * @cssproperty --encore-recommendations-image-ratio - The images' aspect ratio (default 1).
 * @cssproperty --encore-recommendations-star - The stars' colour.
 */
export class EncoreRecommendations extends EncoreElement {
  static override styles = [baseStyles, styles];
  static override messages = messages;
  static override properties: PropertyDeclarations = {
    ...EncoreElement.properties,
    product: {},
    limit: {},
    exclude: {},
    heading: {},
    first: { state: true },
    last: { state: true },
    ends: { state: true },
  };

  #task = new Task(this, {
    task: ([client, near, query], { signal }) =>
      near ? client.get<Recommendations>(`/recommendations?${query}`, { schema: contract.Recommendations, signal }) : initialState,
    args: () => [this.client, this.near, this.#query()] as const,
  });
  /** The list and the track the observers watch. */
  #list: RecommendedProduct[] | undefined;
  #track: HTMLElement | null = null;
  #inView: IntersectionObserver | undefined;
  #onScreen: IntersectionObserver | undefined;
  /** Per slide: in view inside the track. */
  #shown: boolean[] = [];
  /** Per slide: the pending "seen" timer. */
  #timers: ReturnType<typeof setTimeout>[] = [];
  /** Source and product of every impression this widget has counted. */
  #seen = new Set<string>();
  #queue: RecEvent[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  /** The product on the page; without it the list is the shopper's history and best sellers. */
  declare product: string | undefined;
  /** How many products, 1–24 (default 8). */
  declare limit: string | number | undefined;
  /** Comma-separated product ids never to show (e.g. the cart). */
  declare exclude: string | undefined;
  /** The heading text (default: "Customers who bought this also bought", or "You may also like" without `product`). */
  declare heading: string | undefined;
  /** The slides in view: `first`..`last`. */
  declare protected first: number;
  declare protected last: number;
  /** Bit 1: at the start; bit 2: at the end. */
  declare protected ends: number;

  constructor() {
    super();
    this.first = 0;
    this.last = -1;
    this.ends = 3;
  }

  get #limit(): number {
    const n = Number(this.limit);
    return Number.isInteger(n) && n >= 1 && n <= contract.RECOMMENDATIONS_MAX ? n : contract.RECOMMENDATIONS_DEFAULT;
  }

  #query(): string {
    const ids = (this.exclude ?? '').split(',').map((id) => id.trim());
    const exclude = [...new Set(ids.filter((id) => id && id.length <= 128))].slice(0, contract.RECOMMENDATIONS_MAX_EXCLUDE);
    const query = new URLSearchParams({ limit: String(this.#limit) });
    if (this.product) query.set('product', this.product);
    if (exclude.length) query.set('exclude', exclude.join(','));
    return String(query);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onHide);
    if (this.hasUpdated) this.requestUpdate(); // watch the slides again
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onHide);
    this.#observe(null);
    this.#flush();
  }

  override updated(): void {
    const track = this.renderRoot.querySelector<HTMLElement>('#track');
    const list = this.#task.value?.products;
    if (track !== this.#track || list !== this.#list) this.#observe(track, list);
  }

  #observe(track: HTMLElement | null, list?: RecommendedProduct[]): void {
    this.#inView?.disconnect();
    this.#onScreen?.disconnect();
    this.#timers.forEach(clearTimeout);
    this.#timers = [];
    this.#shown = [];
    this.#track = track;
    this.#list = list;
    if (!track) return;
    this.#inView = new IntersectionObserver((entries) => this.#view(entries), { root: track, threshold: IN_VIEW });
    this.#onScreen = new IntersectionObserver((entries) => this.#screen(entries), { threshold: SEEN });
    for (const slide of track.children) {
      this.#inView.observe(slide);
      this.#onScreen.observe(slide);
    }
  }

  /** Slides entering or leaving the track's view: which are inert, which have content. */
  #view(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) this.#shown[index(entry.target)] = entry.intersectionRatio >= IN_VIEW;
    const first = this.#shown.indexOf(true);
    const last = this.#shown.lastIndexOf(true);
    if (first < 0) return this.#measure(); // mid-scroll, between two slides: keep the last view
    // At an end when its slide is in view: read from the entries, not from a (forced) layout.
    this.ends = (first ? 0 : 1) | (last < this.#list!.length - 1 ? 0 : 2);
    this.first = first;
    this.last = last;
    // Focus in a slide that leaves the view goes to the same control in the nearest slide in view
    // (once that slide is no longer inert: after the update just requested).
    const focused = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const at = index(focused?.closest('[data-i]'));
    if (at >= 0 && (at < first || at > last)) {
      const to = Math.min(Math.max(at, first), last);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-i="${to}"] [part~="${focused!.part[0]}"]`)?.focus({ preventScroll: true }));
    }
  }

  /** Slides on or off the screen: half a second with half of a slide visible is an impression. */
  #screen(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const i = index(entry.target);
      clearTimeout(this.#timers[i]);
      if (entry.intersectionRatio >= SEEN) this.#timers[i] = setTimeout(() => this.#impression(i), SEEN_MS);
    }
  }

  #impression(i: number): void {
    const product = this.#list?.[i];
    const key = `${this.#task.value?.productId}\n${product?.id}`;
    if (!product || this.#seen.has(key) || document.visibilityState !== 'visible') return;
    this.#seen.add(key);
    this.#record('impression', product, i);
  }

  #measure(): void {
    const track = this.#track;
    if (!track) return;
    const x = Math.abs(track.scrollLeft);
    const max = track.scrollWidth - track.clientWidth;
    this.ends = (x < 2 ? 1 : 0) | (x > max - 2 ? 2 : 0);
  }

  /** Scrolls by a page of slides (focus stays on the button, as the APG asks). */
  #page(dir: number): void {
    const track = this.#track;
    if (!track || this.ends & (dir < 0 ? 1 : 2)) return;
    const [a, b] = track.children as HTMLCollectionOf<HTMLElement>;
    const stride = Math.abs(b ? b.offsetLeft - a!.offsetLeft : track.clientWidth);
    // Announce the slides that come into view — from now on, after the shopper asked for them.
    track.setAttribute('aria-live', 'polite');
    track.scrollBy({ left: dir * stride * Math.max(1, this.last - this.first + 1) });
  }

  #record(kind: RecEvent['kind'], product: RecommendedProduct, position: number): void {
    const source = this.#task.value?.productId;
    this.#queue.push({ kind, productId: product.id, position, ...(source && { sourceProductId: source }), visitorId: visitorId() });
    if (this.#queue.length >= BATCH) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  }

  /** Hands what was recorded to the outbox (kept there until the server acknowledges it). */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    while (this.#queue.length) {
      const events = this.#queue.splice(0, BATCH);
      this.outbox.enqueue({ kind: 'recommendation-events', path: '/recommendations/events', body: { events }, schema: contract.RecommendationEventsAccepted });
    }
  }

  #onHide = (): void => {
    if (document.visibilityState === 'hidden') this.#flush();
  };

  #open(product: RecommendedProduct, position: number): void {
    this.#record('click', product, position);
    this.#flush(); // the shopper is probably leaving: the outbox keeps the batch for the next page
    this.emit('encore-recommendation-click', { productId: product.id, position, sourceProductId: this.#task.value?.productId ?? null });
  }

  #add(product: RecommendedProduct, position: number): void {
    this.#record('click', product, position);
    const { rating: _, ...detail } = product;
    this.emit('encore-add-to-cart', detail);
  }

  override render(): TemplateResult {
    const task = this.#task;
    const { i18n } = this;
    if (task.status === TaskStatus.ERROR) return this.renderError(task.error, () => void task.run());
    const list = task.value?.products;
    // Nothing to recommend and no fallback: the host takes no space.
    this.hidden = list?.length === 0 && !this.querySelector(':scope > [slot="fallback"]');
    if (list?.length === 0) {
      return html`<div part="base empty" lang=${i18n.locale}><slot name="fallback" @slotchange=${() => this.requestUpdate()}></slot></div>`;
    }
    const heading = html`<h2 id="h" part="heading"><slot name="heading">${this.heading || i18n.t(this.product ? 'rec.heading' : 'rec.more')}</slot></h2>`;
    if (!list) {
      const card = html`<div class="card">${bones}</div>`;
      return html`<section part="base skeleton" aria-busy="true" lang=${i18n.locale}>
<header>${heading}</header><span class="visually-hidden" role="status">${i18n.t('loading')}</span>
<div class="track">${Array.from({ length: Math.min(this.#limit, SKELETON) }, () => card)}</div>
</section>`;
    }
    const { first, last, ends } = this;
    // Content for the slides in view and a view's worth either side; the rest are empty shells.
    const span = Math.max(last - first + 1, 4);
    const from = first - span;
    const to = Math.max(last + span, FIRST);
    const format = this.formatter(list[0]!.currency);
    const slide = i18n.t('rec.slide');
    const nav = (dir: number, name: string, glyph: string): TemplateResult =>
      html`<button part="${name}-button" class="nav secondary" type="button" aria-controls="track" aria-label=${i18n.t(`rec.${name}`)} aria-disabled=${ends & (dir < 0 ? 1 : 2) ? 'true' : 'false'} ?hidden=${ends === 3} @click=${() => this.#page(dir)}>${glyph}</button>`;
    return html`<section part="base" lang=${i18n.locale} aria-roledescription=${i18n.t('rec.carousel')} aria-labelledby="h">
<header>${heading}${nav(-1, 'prev', '‹')}${nav(1, 'next', '›')}</header>
<div id="track" class="track" @scroll=${this.#measure}>${list.map((product, i) => {
      const near = i >= from && i <= to;
      // The list's first render has the slides; the cards come four a task after it, the first
      // ones keeping the skeleton's bones until then.
      const content = near ? this.later(() => this.#card(product, i, format), Math.ceil((i + 1) / 4)) : nothing;
      const waiting = near && content === nothing && i < SKELETON;
      return html`<div part=${waiting ? 'slide skeleton' : 'slide'} class="card" role="group" aria-roledescription=${slide} aria-label=${i18n.t('rec.of', { n: i + 1, m: list.length })} data-i=${i} ?inert=${i < first || i > last}>${
        waiting ? bones : content
      }</div>`;
    })}</div>
</section>`;
  }

  #card(product: RecommendedProduct, i: number, format: Formatter): TemplateResult {
    const { i18n } = this;
    const { average, count } = product.rating;
    // One decimal always (4.0 beside 4.6), as review sites show an average.
    const avg = format.number(average, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const reviews = format.number(count);
    return html`<img part="image" class="i" src=${product.image} alt="" width="240" height="240" loading="lazy" decoding="async">
<a part="title" class="t" href=${safe(product.url)} @click=${() => this.#open(product, i)}>${product.title}</a>
<span part="price" class="p">${format.money(product.price, product.currency)}</span>
<span part="rating" class="r">${
      count
        ? html`<span class="stars" data-r=${Math.round(average * 2)} aria-hidden="true">★★★★★</span><span aria-hidden="true">${avg} (${reviews})</span><span class="visually-hidden">${i18n.plural('rec.rating', count, { avg, count: reviews })}</span>`
        : i18n.t('rec.none')
    }</span>
<button part="add-to-cart-button" class="b" type="button" @click=${() => this.#add(product, i)}>${i18n.t('rec.add')}<span class="visually-hidden">: ${product.title}</span></button>`;
  }
}
