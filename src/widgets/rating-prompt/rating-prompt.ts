/**
 * <encore-rating-prompt>: after a purchase, the order's items (or one product) to rate with 1–5
 * stars and an optional written review; one submission for every rated item, sent through the
 * outbox so it survives a flaky network and a reload; thanks with the points earned.
 */
import { initialState, Task, TaskStatus } from '../../core/task.ts';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import * as contract from '../../../contract/schemas.ts';
import type { PendingReviews, ReviewRequest, ReviewsCreated } from '../../../contract/types.ts';
import { ApiError, baseStyles, clientFor, EncoreElement, pageSession, type Queued } from '../../core/index.ts';
import { messages } from './messages.ts';
import { styles } from './rating-prompt.styles.ts';

export interface RatingSubmitDetail {
  /** The order the ratings belong to. */
  order: string;
  items: Array<{ product: string; rating: number }>;
  /** Points credited to the order's customer (0 for a guest order). */
  pointsEarned: number;
}

declare global {
  interface HTMLElementTagNameMap {
    'encore-rating-prompt': EncoreRatingPrompt;
  }
  interface HTMLElementEventMap {
    'encore-rating-submit': CustomEvent<RatingSubmitDetail>;
  }
}

type Step =
  | { kind: 'idle'; notice?: string; error?: unknown }
  | { kind: 'sending' }
  /** Kept in the outbox: the server could not be reached yet. */
  | { kind: 'queued' }
  | { kind: 'thanks'; points: number };

/** Kept with each outbox entry, so a reloaded page knows what is already on its way. */
interface Meta {
  order: string;
  products: string[];
}

const KIND = 'rating';
/** Error codes with a message of this widget's own. */
const KEYS: Record<string, string> = {
  validation_failed: 'invalid',
  token_missing: 'guest',
  missing: 'missing',
  order_not_found: 'notFound',
  product_not_found: 'notFound',
};
const STARS = [1, 2, 3, 4, 5];
const STAR = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5-4.8-4.6 6.6-.9z" />
</svg>`;

/**
 * Asks the buyer to rate what they bought.
 *
 * @tagname encore-rating-prompt
 * @summary Star ratings and reviews for an order's items, rewarded with points.
 * @fires encore-rating-submit - The server stored the ratings; `detail` has the order, the ratings and the points earned.
 * @csspart base - The card.
 * @csspart skeleton - The loading placeholder.
 * @csspart error - An error message.
 * @csspart retry-button - Tries the failed read again.
 * @csspart item - Each item to rate.
 * @csspart star - Each star option (`star--on` when it is within the chosen rating).
 * @csspart review - The written review of an item.
 * @csspart submit-button - Sends the ratings.
 * @csspart thanks - The thank-you message with the points earned.
 * @csspart queued - Saved while offline: sent when the connection is back.
 * @csspart empty - Nothing (left) to rate.
 * @csspart notice - Why the list changed (items rated meanwhile, after a 409).
 * @csspart guest - Without a token: the sign-in prompt.
 * @csspart sign-in-link - Guest: sign in (when `sign-in-url` is set).
 * @cssproperty --encore-rating-prompt-star - The stars' colour.
 */
export class EncoreRatingPrompt extends EncoreElement {
  static override styles = [baseStyles, styles];
  static override messages = messages;
  static override properties: PropertyDeclarations = {
    ...EncoreElement.properties,
    order: {},
    product: {},
    orderToken: { attribute: 'order-token', noAccessor: true },
    signInUrl: { attribute: 'sign-in-url' },
    step: { state: true },
    ratings: { state: true },
  };

  /** Set after a 409: the next read must not reuse a reply the client shares. */
  #fresh = false;
  /** What the outbox was last searched for (api, store, order, product, token). */
  #scope = '';
  /** Products rated on this page (acknowledged), hidden from the list. */
  #rated = new Set<string>();
  #texts: Record<string, string> = {};

  #pending = new Task(this, {
    task: async ([client, near, order, product, token]) => {
      if (!near || !token) return initialState;
      if (!order && !product) throw new ApiError('config', 'order or product missing', { problem: { code: 'missing' } });
      // With the page's customer token, the page's session read names the shopper's newest order
      // (the thank-you page's); any other order, a product, or an order token reads on its own.
      if (order && !this.customerToken && !this.#fresh) {
        const { pendingReviews: pending } = await pageSession(client);
        if (pending?.orderId === order) return pending;
      }
      if (this.#fresh) client = clientFor({ ...this.config, customerToken: token });
      this.#fresh = false;
      const query = order ? `order=${encodeURIComponent(order)}` : `product=${encodeURIComponent(product!)}`;
      return client.get<PendingReviews>(`/reviews/pending?${query}`, { schema: contract.PendingReviews });
    },
    args: () => [this.client, this.near, this.order, this.product, this.#token] as const,
  });

  /** The order to rate (its items not rated yet). */
  declare order: string | undefined;
  /** One product to rate instead (the caller's newest order that has it unrated). */
  declare product: string | undefined;
  /** Where the guest's "Sign in" link goes; no link without it. */
  declare signInUrl: string | undefined;
  declare protected step: Step;
  /** Stars chosen per product id. */
  declare protected ratings: Record<string, number>;

  constructor() {
    super();
    this.step = { kind: 'idle' };
    this.ratings = {};
  }

  /**
   * An order token (a guest order's thank-you page renders it). It is this widget's token, in
   * place of the configured customer token: the same slot as the `customer-token` attribute.
   */
  get orderToken(): string | undefined {
    return this.customerToken;
  }
  set orderToken(token: string | null | undefined) {
    this.customerToken = token ?? undefined;
  }

  get #token() {
    return this.config.customerToken;
  }

  /** Reads the items to rate again. */
  refresh(): Promise<unknown> {
    this.#fresh = true;
    return this.#pending.run();
  }

  protected override willUpdate(): void {
    const { api, store } = this.config;
    const token = this.#token;
    const scope = `${api}|${store}|${this.order}|${this.product}|${token ? 1 : 0}`;
    if (scope === this.#scope) return;
    this.#scope = scope;
    this.step = { kind: 'idle' };
    this.ratings = {};
    this.#rated.clear();
    if (!api || !store || !token) return;
    // An answer an earlier page left in the outbox: say it is on its way rather than ask again,
    // and attach to it (same key) so this page hears when it is delivered.
    for (const { kind, path, body, idempotencyKey, meta } of this.outbox.pending(KIND)) {
      const m = meta as Meta | undefined;
      if (!m || (m.order !== this.order && !(this.product && m.products?.includes(this.product)))) continue;
      this.step = { kind: 'queued' };
      void this.#follow(this.outbox.enqueue({ kind, path, body, idempotencyKey, meta, schema: contract.ReviewsCreated }), body as ReviewRequest);
    }
  }

  /** Keeps the text and renders it back, so a text box reused for another item when the list changes never shows this one's. */
  #write(product: string, text: string): void {
    this.#texts[product] = text;
    this.requestUpdate();
  }

  #rate(product: string, rating: number): void {
    this.ratings = { ...this.ratings, [product]: rating };
    if (this.step.kind === 'idle' && this.step.error) this.step = { kind: 'idle' };
  }

  async #submit(data: PendingReviews): Promise<void> {
    const order = data.orderId;
    const items = this.#open(data).flatMap(({ productId: product }) => {
      const rating = this.ratings[product];
      const body = this.#texts[product]?.trim();
      return rating ? [{ product, rating, ...(body && { body }) }] : [];
    });
    if (!order || !items.length || this.step.kind === 'sending') return;
    const request: ReviewRequest = { order, items, locale: this.i18n.locale };
    const meta: Meta = { order, products: items.map((i) => i.product) };
    this.step = { kind: 'sending' };
    const outbox = this.outbox;
    const queued = outbox.enqueue<ReviewsCreated>({ kind: KIND, path: '/reviews', body: request, meta, schema: contract.ReviewsCreated });
    void this.#follow(queued, request);
    // After the first delivery attempt: still in the outbox means the network failed; it retries on its own.
    await outbox.flush();
    if (this.step.kind === 'sending' && outbox.pending(KIND).some((e) => e.id === queued.id)) this.step = { kind: 'queued' };
  }

  /** Waits for the server's answer to a queued submission, from this page or an earlier one. */
  async #follow(queued: Queued<unknown>, request: ReviewRequest): Promise<void> {
    try {
      // No reply when another tab delivered it and its receipt was missed: thanks all the same.
      const pointsEarned = ((await queued.done) as ReviewsCreated | undefined)?.pointsEarned ?? 0;
      for (const { product } of request.items) this.#rated.add(product);
      this.step = { kind: 'thanks', points: pointsEarned };
      if (this.#pending.status === TaskStatus.ERROR) void this.#pending.run();
      this.emit('encore-rating-submit', { order: request.order, items: request.items.map(({ product, rating }) => ({ product, rating })), pointsEarned });
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part~="thanks"]')?.focus();
    } catch (error) {
      // 409: rated meanwhile (another tab, an earlier page), not in the order, or cancelled: read what is left.
      if (error instanceof ApiError && error.status === 409) {
        this.step = { kind: 'idle', notice: 'rp.already' };
        void this.refresh();
      } else this.step = { kind: 'idle', error };
    }
  }

  /** Items still to rate: the server's list without what this page has had acknowledged. */
  #open(data: PendingReviews): PendingReviews['items'] {
    return data.items.filter((item) => !this.#rated.has(item.productId));
  }

  protected override errorMessage(error: unknown): string {
    const key = error instanceof ApiError && KEYS[error.code];
    return key ? this.i18n.t(`rp.${key}`) : super.errorMessage(error);
  }

  override render(): TemplateResult {
    const { i18n, step } = this;
    const task = this.#pending;
    if (!this.#token) {
      return this.#card(
        html`<p part="guest">
          ${i18n.t('rp.guest')} ${this.signInUrl ? html`<a part="sign-in-link" href=${this.signInUrl}>${i18n.t('rp.signIn')}</a>` : nothing}
        </p>`,
      );
    }
    if (step.kind === 'queued') return this.#card(html`<p part="queued" role="status">${i18n.t('rp.queued')}</p>`);
    const thanks =
      step.kind === 'thanks'
        ? html`<p part="thanks" role="status" tabindex="-1">
            ${i18n.t('rp.thanks')} ${step.points ? i18n.t('rp.earned', { points: this.formatter('').points(step.points) }) : ''}
          </p>`
        : nothing;
    if (task.status === TaskStatus.ERROR) {
      return thanks === nothing ? this.renderError(task.error, () => void task.run()) : this.#card(thanks);
    }
    const data = task.value;
    if (!data) return thanks === nothing ? this.#renderSkeleton() : this.#card(thanks);
    const items = this.#open(data);
    if (!items.length) {
      return this.#card(thanks === nothing ? html`<p part="empty">${i18n.t(data.orderId ? 'rp.empty' : 'rp.none')}</p>` : thanks);
    }
    return this.#card(html`${thanks}${this.#renderForm(data, items)}`);
  }

  #card(body: unknown): TemplateResult {
    return html`<section part="base" lang=${this.i18n.locale} aria-labelledby="title">
      <h2 id="title">${this.i18n.t('rp.title')}</h2>
      ${body}
    </section>`;
  }

  #renderSkeleton(): TemplateResult {
    return html`<div part="base skeleton" aria-busy="true">
      <span class="visually-hidden" role="status">${this.i18n.t('loading')}</span>
      <span class="bone title"></span>
      <span class="bone line"></span>
      <span class="bone item"></span>
      <span class="bone button"></span>
    </div>`;
  }

  #renderForm(data: PendingReviews, items: PendingReviews['items']): TemplateResult {
    const { i18n, step } = this;
    const sending = step.kind === 'sending';
    const rated = items.some((item) => this.ratings[item.productId]);
    return html`${data.pointsPerReview ? html`<p>${i18n.t('rp.earn', { points: this.formatter('').points(data.pointsPerReview) })}</p>` : nothing}
      <ul>
        ${items.map((item, i) => this.later(() => this.#renderItem(item, i), i ? 1 : 0))}
      </ul>
      ${this.later(
        // With the items after the first (a task later, SPEC §5), so that nothing shown moves then.
        () => html`${step.kind === 'idle' && (step.error || step.notice)
            ? html`<p part=${step.error ? 'error' : 'notice'} role=${step.error ? 'alert' : 'status'}>
                ${step.error ? this.errorMessage(step.error) : i18n.t(step.notice!)}
              </p>`
            : nothing}
          <button part="submit-button" type="button" ?disabled=${!rated || sending} @click=${() => this.#submit(data)}>
            ${i18n.t(sending ? 'rp.sending' : 'rp.submit')}
          </button>
          <p class="visually-hidden" role="status">${sending ? i18n.t('rp.sending') : ''}</p>`,
      )}`;
  }

  #renderItem(item: PendingReviews['items'][number], i: number): TemplateResult {
    const { i18n } = this;
    const id = item.productId;
    const rating = this.ratings[id] ?? 0;
    return html`<li part="item">
      ${item.image ? html`<img src=${item.image} alt="" width="64" height="64" loading="lazy" />` : nothing}
      <span class="name" id="t${i}">${item.title}</span>
      <div class="stars" role="radiogroup" aria-label=${i18n.t('rp.group', { title: item.title })}>
        ${STARS.map(
          (n) => html`<label part=${n <= rating ? 'star star--on' : 'star'}>
            <input class="visually-hidden" type="radio" name="r${i}" .checked=${n === rating} @change=${() => this.#rate(id, n)} />
            <span class="visually-hidden">${i18n.plural('rp.star', n, { count: n })}</span>
            ${STAR}
          </label>`,
        )}
      </div>
      ${rating
        ? html`<label class="review" for="b${i}">${i18n.t('rp.review')}</label>
            <textarea
              part="review"
              id="b${i}"
              aria-describedby="t${i}"
              maxlength="2000"
              rows="3"
              .value=${this.#texts[id] ?? ''}
              @input=${(e: Event) => this.#write(id, (e.target as HTMLTextAreaElement).value)}
            ></textarea>`
        : nothing}
    </li>`;
  }
}
