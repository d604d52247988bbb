import { initialState, Task, TaskStatus } from '../../core/task.ts';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ReferralInfo } from '../../../contract/types.ts';
import { baseStyles, EncoreElement, pageSession, type Formatter } from '../../core/index.ts';
import { keepOffers, readOffer } from '../../core/referral-offer.ts';
import { messages } from './messages.ts';
import { styles } from './referral-share.styles.ts';

/** Where a referral link was shared: the browser's own share sheet, or one of the channel links. */
export type ReferralChannel = 'native' | 'email' | 'line' | 'x' | 'facebook' | 'whatsapp';

export interface ReferralShareDetail {
  /** The shopper's referral code. */
  code: string;
  /** The absolute referral link. */
  url: string;
  channel: ReferralChannel;
}

/** What was copied: the shopper's referral link, or the discount code a friend gave them. */
export type ReferralCopyDetail = { kind: 'link'; code: string; url: string } | { kind: 'offer'; code: string };

declare global {
  interface HTMLElementTagNameMap {
    'encore-referral-share': EncoreReferralShare;
  }
  interface HTMLElementEventMap {
    'encore-referral-copy': CustomEvent<ReferralCopyDetail>;
    'encore-referral-share': CustomEvent<ReferralShareDetail>;
  }
}

type Copied = { kind: 'link' | 'offer'; ok: boolean };
type Offer = { kind: string; value: number; currency: string };

/**
 * The shopper's referral link with copy, native share and channel links, the double-sided reward
 * and their referral stats; for a guest, the pitch and links to sign in or join; for a friend who
 * arrived through a referral link, the offer and its code (kept by src/referral-visit.ts).
 *
 * Takes its data from the page's one session read (shared with the other widgets), whose
 * `referral` section is the shopper's link and stats. A refused token (401) is the error state
 * with its retry, saying the sign-in expired, not the guest state: the storefront said the shopper
 * is signed in.
 *
 * @tagname encore-referral-share
 * @summary Referral link, rewards and stats.
 * @fires encore-referral-copy - The link (or the friend's offer code) was copied; `detail` says which.
 * @fires encore-referral-share - The link was shared (native share sheet, or a channel link was opened).
 * @csspart base - The card.
 * @csspart skeleton - The loading placeholder.
 * @csspart error - The error message.
 * @csspart retry-button - Tries the failed read again.
 * @csspart rewards - What the shopper and the friend get.
 * @csspart link - The referral link (a read-only field).
 * @csspart copy-button - Copies the link (or the offer code).
 * @csspart share-button - Opens the browser's share sheet (only where there is one).
 * @csspart channels - The list of channel links.
 * @csspart channel - Each channel link (also `channel--email`, `channel--line`, ...).
 * @csspart stats - The referral stats.
 * @csspart empty - Nobody used the link yet.
 * @csspart offer - A referred friend's offer.
 * @csspart code - The offer's discount code.
 * @csspart join-link - Guest: create an account.
 * @csspart sign-in-link - Guest: sign in.
 * @cssproperty --encore-referral-share-accent - Accent of the offer and the reward bullets.
 */
export class EncoreReferralShare extends EncoreElement {
  static override styles = [baseStyles, styles];
  static override messages = messages;
  static override properties: PropertyDeclarations = {
    ...EncoreElement.properties,
    joinUrl: { attribute: 'join-url' },
    signInUrl: { attribute: 'sign-in-url' },
    copied: { state: true },
  };

  #data = new Task(this, {
    task: ([client, near]) => (near ? pageSession(client) : initialState),
    args: () => [this.client, this.near] as const,
  });

  /** Where "Create an account" goes; defaults to the store's setting. */
  declare joinUrl: string | undefined;
  /** Where "Sign in" goes; defaults to the store's setting. */
  declare signInUrl: string | undefined;
  declare protected copied: Copied | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('encore-referral-visit', this.#onVisit);
    // A visit an earlier page could not deliver yet: keep its offer when the outbox delivers it.
    if (this.config.api && this.config.store) keepOffers(this.outbox, this.config.store);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('encore-referral-visit', this.#onVisit);
  }

  /** A visit recorded while the widget is on the page: show the friend's offer. */
  #onVisit = (): void => this.requestUpdate();

  /**
   * Copies the field's text: the Clipboard API, else the selected field and the legacy command,
   * else the text stays selected and the shopper is told to copy it themselves.
   */
  async #copy(button: EventTarget | null, detail: ReferralCopyDetail): Promise<void> {
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${detail.kind}`)!;
    this.copied = undefined; // the same words again are announced again
    let ok = false;
    try {
      await navigator.clipboard.writeText(input.value);
      ok = true;
    } catch {
      input.focus();
      input.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        // refused as well: the text stays selected
      }
      if (ok) (button as HTMLElement).focus();
    }
    await this.updateComplete;
    this.copied = { kind: detail.kind, ok };
    if (ok) this.emit('encore-referral-copy', detail);
  }

  async #share(code: string, data: ShareData, event: Event): Promise<void> {
    const url = data.url!;
    const button = event.currentTarget;
    try {
      await navigator.share(data);
      this.emit('encore-referral-share', { code, url, channel: 'native' });
    } catch (error) {
      // Cancelled by the shopper: nothing to do. Refused: copying is the next best thing.
      if ((error as Error)?.name !== 'AbortError') void this.#copy(button, { kind: 'link', code, url });
    }
  }

  /** Reads the referral data (and the store's settings) again. */
  refresh(): Promise<unknown> {
    void pageSession(this.client, true);
    return this.#data.run();
  }

  override render(): TemplateResult {
    const task = this.#data;
    if (task.status === TaskStatus.ERROR) return this.renderError(task.error, () => void task.run());
    if (!task.value) return this.#renderSkeleton();
    const session = task.value;
    const info = session.referral;
    const { store } = session;
    const { i18n } = this;
    const format = this.formatter(store.currency);
    const visit = readOffer(this.config.store);
    const pitch = session.program.earn.find((rule) => rule.kind === 'referral')?.points;
    return html`<section part="base" lang=${i18n.locale} aria-labelledby="title">
      <h2 id="title">${i18n.t(visit && !info ? 'rs.gift' : 'rs.title', { store: store.name })}</h2>
      ${visit
        ? html`<div part="offer">
            <p>${i18n.t(visit.referrerName ? 'rs.offer' : 'rs.offerAnon', { name: visit.referrerName, offer: this.#offerText(visit.offer, format) })}</p>
            <p>${i18n.t('rs.useBy', { date: format.date(visit.expiresAt) })}</p>
            ${this.#renderField({ kind: 'offer', code: visit.offer.code }, 'rs.code', 'rs.copyCode')}
          </div>`
        : nothing}
      ${info
        ? this.#renderMember(info, store.name, format)
        : html`${visit ? nothing : html`<p>${pitch ? i18n.t('rs.pitch', { points: format.points(pitch) }) : nothing} ${i18n.t('rs.cta')}</p>`}
            <p class="row">
              <a part="join-link" class="button" href=${this.joinUrl || store.links.join}>${i18n.t('rs.join')}</a>
              <a part="sign-in-link" class="button secondary" href=${this.signInUrl || store.links.signIn}>${i18n.t('rs.signIn')}</a>
            </p>`}
    </section>`;
  }

  #renderSkeleton(): TemplateResult {
    // Shaped like the card to come: the shopper's, a guest's, with or without a friend's offer.
    const offer = readOffer(this.config.store) ? ' offer' : '';
    // The channel bones wrap like the channel links do on a narrow card.
    const body = this.client.signedIn ? ' text text label field field label c1 c2 c3 c4 c5 label stats' : offer ? ' field' : ' text text field';
    return html`<div part="base skeleton" aria-busy="true">
      <span class="visually-hidden" role="status">${this.i18n.t('loading')}</span>
      ${`title${offer}${body}`.split(' ').map((kind) => html`<span class="bone ${kind}"></span>`)}
    </div>`;
  }

  /** A labelled read-only field with its copy button (and more buttons), and the copy's live region. */
  #renderField(detail: ReferralCopyDetail, label: string, copy: string, more?: unknown): TemplateResult {
    const { i18n } = this;
    const { kind } = detail;
    const copied = this.copied?.kind === kind ? this.copied : undefined;
    return html`<label for=${kind}>${i18n.t(label)}</label>
      <div class="row">
        <input id=${kind} part=${kind === 'link' ? 'link' : 'code'} readonly .value=${detail.kind === 'link' ? detail.url : detail.code} @focus=${this.#selectAll} />
        <button part="copy-button" type="button" @click=${(e: Event) => this.#copy(e.currentTarget, detail)}>${i18n.t(copy)}</button>
        ${more}
      </div>
      <p role="status" class=${copied?.ok === false ? 'status failed' : 'status'}>${copied ? i18n.t(copied.ok ? 'rs.copied' : 'rs.copyFailed') : ''}</p>`;
  }

  #renderMember(info: ReferralInfo, store: string, format: Formatter): TemplateResult {
    const { i18n } = this;
    const { code, stats } = info;
    // The server may answer with a path ("/?ref=CODE"): a friend needs the whole address.
    const url = new URL(info.url, location.href).href;
    const params = { offer: this.#offerText(info.friendReward, format), store };
    const text = i18n.t('rs.message', params);
    const title = i18n.t('rs.gift', params);
    const e = encodeURIComponent;
    const full = e(`${text} ${url}`);
    const channels: Array<[ReferralChannel, string, string]> = [
      ['email', i18n.t('rs.email'), `mailto:?subject=${e(title)}&body=${full}`],
      ['line', 'LINE', `https://social-plugins.line.me/lineit/share?url=${e(url)}&text=${e(text)}`],
      ['x', 'X', `https://x.com/intent/post?text=${full}`],
      ['facebook', 'Facebook', `https://www.facebook.com/sharer/sharer.php?u=${e(url)}`],
      ['whatsapp', 'WhatsApp', `https://wa.me/?text=${full}`],
    ];
    const stat = (key: string, value: string) => html`<div><dt>${i18n.t(key)}</dt><dd>${value}</dd></div>`;
    return html`<ul part="rewards">
        <li>${i18n.t('rs.you', { points: format.points(info.referrerReward.points) })}</li>
        <li>${i18n.t('rs.friend', params)}</li>
      </ul>
      ${this.#renderField(
        { kind: 'link', code, url },
        'rs.link',
        'rs.copy',
        typeof navigator.share === 'function'
          ? html`<button part="share-button" type="button" class="secondary" @click=${(ev: Event) => this.#share(code, { title, text, url }, ev)}>${i18n.t('rs.share')}</button>`
          : nothing,
      )}
      <h3 id="via">${i18n.t('rs.via')}</h3>
      <ul part="channels" aria-labelledby="via">
        ${channels.map(
          ([channel, name, href]) =>
            html`<li><a part="channel channel--${channel}" class="button secondary" href=${href} target=${channel === 'email' ? nothing : '_blank'} rel="noopener"
              @click=${() => this.emit('encore-referral-share', { code, url, channel })}>${name}</a></li>`,
        )}
      </ul>
      <h3>${i18n.t('rs.stats')}</h3>
      <dl part="stats">
        ${stat('rs.friends', format.number(stats.friends))} ${stat('rs.earned', format.points(stats.pointsEarned))} ${stat('rs.visits', format.number(stats.visits))}
      </dl>
      ${stats.visits || stats.friends ? nothing : html`<p part="empty">${i18n.t('rs.empty')}</p>`}`;
  }

  #selectAll(event: Event): void {
    (event.target as HTMLInputElement).select();
  }

  #offerText(offer: Offer, format: Formatter): string {
    return this.i18n.t(`rs.${offer.kind}`, { amount: format.money(offer.value, offer.currency), percent: format.percent(offer.value) });
  }
}
