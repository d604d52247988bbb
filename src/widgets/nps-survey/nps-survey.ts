/**
 * <encore-nps-survey>: the Net Promoter Score question (0–10), a follow-up question that depends on
 * the answer's category, then thanks (with an invitation to refer a friend for promoters). Inline
 * where the tag sits, or `mode="popup"`: a non-modal slide-in in a corner of the window.
 *
 * Who is asked is the server's call (its quiet periods after an answer or a dismissal, per shopper
 * and per visitor id), narrowed by `sample`, which is decided once per visitor from the visitor id
 * so a reload never re-rolls it. Answers and dismissals go through the outbox: kept in the browser
 * until the server acknowledges them, sent once.
 */
import { initialState, Task, TaskStatus } from '../../core/task.ts';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import * as contract from '../../../contract/schemas.ts';
import { ApiError, baseStyles, EncoreElement, pageSession, visitorId } from '../../core/index.ts';
import { messages } from './messages.ts';
import { styles } from './nps-survey.styles.ts';

export type NpsCategory = 'detractor' | 'passive' | 'promoter';

export interface NpsSubmitDetail {
  score: number;
  category: NpsCategory;
  /** The follow-up answer, trimmed; absent when the shopper left it empty. */
  comment?: string;
}

export type NpsDismissDetail = Record<string, never>;

declare global {
  interface HTMLElementTagNameMap {
    'encore-nps-survey': EncoreNpsSurvey;
  }
  interface HTMLElementEventMap {
    'encore-nps-submit': CustomEvent<NpsSubmitDetail>;
    'encore-nps-dismiss': CustomEvent<NpsDismissDetail>;
  }
}

/** After this long without the server's acknowledgement the shopper is told the answer is kept (ms). */
const QUEUED_AFTER = 1500;

/** detractor 0–6, passive 7–8, promoter 9–10, as the server counts them. */
export const categoryOf = (score: number): NpsCategory => (score > 8 ? 'promoter' : score > 6 ? 'passive' : 'detractor');

/** The visitor's place in [0, 1) (FNV-1a of the visitor id): the same on every page and reload. */
export function bucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

type View = 'ask' | 'failed' | 'thanks' | 'already' | 'closed';

/**
 * The NPS survey: "How likely are you to recommend us to a friend or colleague?"
 *
 * @tagname encore-nps-survey
 * @summary Net Promoter Score survey with a follow-up question, inline or as a slide-in.
 * @fires encore-nps-submit - The shopper sent an answer (it is in the outbox); `detail` has score, category and comment.
 * @fires encore-nps-dismiss - The shopper closed the survey without answering (recorded on the server).
 * @csspart base - The card.
 * @csspart skeleton - The loading placeholder (inline only).
 * @csspart error - The error message.
 * @csspart retry-button - Tries the failed call again.
 * @csspart dialog - Popup mode: the slide-in that holds the card.
 * @csspart score - Each 0–10 option (`score--detractor`, `score--passive`, `score--promoter`, `score--checked`).
 * @csspart follow-up - The follow-up answer field.
 * @csspart submit-button - Sends the answer.
 * @csspart dismiss-button - Closes the survey.
 * @csspart thanks - The thank-you card.
 * @csspart invite-link - Promoters: the referral link (or, for a guest, the store's join link).
 * @cssproperty --encore-nps-survey-accent - The chosen score's colour.
 */
export class EncoreNpsSurvey extends EncoreElement {
  static override styles = [baseStyles, styles];
  static override messages = messages;
  static override properties: PropertyDeclarations = {
    ...EncoreElement.properties,
    mode: {},
    sample: { type: Number },
    delay: { type: Number },
    view: { state: true },
    score: { state: true },
    queued: { state: true },
    invite: { state: true },
    error: { state: true },
  };

  #status = new Task(this, {
    task: async ([client, near, sampled, delay]) => {
      if (!near || !sampled) return initialState;
      // The session's `nps` section: the server's answer for this shopper and visitor id.
      const [{ nps }] = await Promise.all([pageSession(client), new Promise((resolve) => setTimeout(resolve, delay))]);
      // An answer or a dismissal an earlier page left in the outbox counts as given.
      return !!nps?.ask && !this.outbox.pending('nps').length;
    },
    args: () => [this.client, this.near, this.#sampled(), this.#popup ? this.delay : 0] as const,
    // A popup does not interrupt the shopper with an error they did not ask for; the merchant is told.
    onError: (error) => this.#popup && console.warn('[encore] <encore-nps-survey> stays hidden:', error),
  });
  #comment = '';
  /** What had focus before focus entered the survey: it gets focus back on close. */
  #from: HTMLElement | null = null;

  /** `popup`: a dismissible slide-in in a corner of the window; anything else: inline. */
  declare mode: string | undefined;
  /** The share of visitors asked, 0–1 (default 1), decided once per visitor. */
  declare sample: number | undefined;
  /** Popup only: milliseconds to wait, from when the tag appears, before sliding in. */
  declare delay: number | undefined;
  declare protected view: View;
  declare protected score: number | undefined;
  declare protected queued: boolean;
  declare protected invite: [href: string, label: string] | undefined;
  declare protected error: unknown;

  constructor() {
    super();
    this.view = 'ask';
    this.queued = false;
    // Fired on the host only when focus comes from outside (moves within the shadow root are not retargeted here).
    this.addEventListener('focusin', (event) => (this.#from = event.relatedTarget as HTMLElement | null));
  }

  get #popup(): boolean {
    return this.mode === 'popup';
  }

  #sampled(): boolean {
    const rate = this.sample ?? 1;
    return bucket(visitorId()) < (Number.isNaN(rate) ? 1 : rate);
  }

  #focused(): boolean {
    return (this.renderRoot as ShadowRoot).activeElement !== null;
  }

  override connectedCallback(): void {
    // A popup floats over the page wherever its tag sits: it asks at once, not when scrolled near.
    if (this.#popup) this.near = true;
    super.connectedCallback();
  }

  #submit(event: Event): void {
    event.preventDefault();
    const score = this.score!;
    const comment = this.#comment.trim();
    const category = categoryOf(score);
    this.emit('encore-nps-submit', comment ? { score, category, comment } : { score, category });
    // Trying again after a refusal is a new intent: the refused key would only replay the refusal.
    const { done } = this.outbox.enqueue({
      kind: 'nps',
      path: '/nps/responses',
      body: { score, ...(comment && { comment }), visitorId: visitorId(), locale: this.i18n.locale },
      schema: contract.NpsResponse,
    });
    // The answer is kept until delivered, so the shopper is thanked at once.
    void this.#show('thanks');
    const timer = setTimeout(() => (this.queued = true), QUEUED_AFTER);
    done
      .catch((error: unknown) => {
        this.error = error;
        void this.#show(error instanceof ApiError && error.code === 'nps_quiet_period' ? 'already' : 'failed');
      })
      .finally(() => {
        clearTimeout(timer);
        this.queued = false;
      });
    if (category === 'promoter' && !this.invite) void this.#loadInvite();
  }

  /** A promoter's referral link when signed in; a guest gets the store's join link. */
  async #loadInvite(): Promise<void> {
    try {
      const { referral, store } = await pageSession(this.client);
      this.invite = referral ? [referral.url, 'nps.refer'] : [store.links.join, 'nps.join'];
    } catch {
      // Without the link, the thanks stands on its own.
    }
  }

  /** Closes the survey; unanswered, that is a dismissal, recorded on the server. */
  #close(): void {
    const back = this.#focused() ? this.#from : null;
    if (this.view === 'ask') {
      this.outbox.enqueue({ kind: 'nps', path: '/nps/dismissals', body: { visitorId: visitorId() }, schema: contract.NpsDismissal });
      this.emit('encore-nps-dismiss', {});
    }
    this.view = 'closed';
    back?.focus();
  }

  /** Changes the view, and moves focus to its heading or message if the shopper was in the survey. */
  async #show(view: View): Promise<void> {
    const inside = this.#focused();
    const from = this.#from;
    this.view = view;
    await this.updateComplete;
    if (inside) {
      this.renderRoot.querySelector<HTMLElement>('[data-focus]')?.focus();
      this.#from = from; // focus fell to the page as the old view went: where it came from still stands
    }
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.#close();
    }
  }

  override render(): TemplateResult | typeof nothing {
    const body = this.#renderBody();
    // Nothing to show (sampled out, not asked now, closed, a popup still waiting): the host takes no space.
    this.hidden = !body;
    return body && this.#popup ? html`<div part="dialog" role="dialog" aria-labelledby="h" @keydown=${this.#onKeydown}>${body}</div>` : (body ?? nothing);
  }

  #renderBody(): TemplateResult | undefined {
    const { view, i18n } = this;
    const task = this.#status;
    if (view === 'closed' || !this.#sampled()) return;
    if (view === 'thanks' || view === 'already') return this.#renderThanks();
    if (view === 'ask' && task.status === TaskStatus.ERROR) return this.#popup ? undefined : this.renderError(task.error, () => void task.run());
    // Inline, the skeleton is the survey itself, invisible, so the loaded card takes exactly its place.
    if (view === 'ask' && task.value === undefined) {
      return this.#popup
        ? undefined
        : html`<div part="base skeleton" aria-busy="true">
            <span class="visually-hidden" role="status">${i18n.t('loading')}</span>
            <div class="ghost" inert aria-hidden="true">${this.later(() => this.#renderSurvey())}</div>
          </div>`;
    }
    return view === 'failed' || task.value ? html`<form part="base" lang=${i18n.locale} @submit=${this.#submit}>${this.#renderSurvey()}</form>` : undefined;
  }

  #renderHead(key: string, focus = false): TemplateResult {
    return html`<div class="head">
      <h2 id="h" tabindex=${focus ? -1 : nothing} ?data-focus=${focus}>${this.i18n.t(key)}</h2>
      <button part="dismiss-button" class="close" type="button" aria-label=${this.i18n.t('nps.close')} @click=${this.#close}>×</button>
    </div>`;
  }

  #renderSurvey(): TemplateResult {
    const { i18n, score } = this;
    const format = this.formatter('XXX');
    const category = score === undefined ? undefined : categoryOf(score);
    return html`${this.#renderHead('nps.q')}
      <div class="opts" role="radiogroup" aria-labelledby="h" @change=${(e: Event) => (this.score = Number((e.target as HTMLInputElement).value))}>
        ${Array.from(
          { length: 11 },
          (_, n) => html`<label part="score score--${categoryOf(n)}${n === score ? ' score--checked' : ''}"
            ><input type="radio" name="score" value=${n} .checked=${n === score} aria-describedby=${n === 0 ? 'lo' : n === 10 ? 'hi' : nothing} />${format.number(n)}</label
          >`,
        )}
      </div>
      <p class="ends"><span id="lo">${i18n.t('nps.lo')}</span><span id="hi">${i18n.t('nps.hi')}</span></p>
      ${category
        ? html`<label for="c">${i18n.t(`nps.${category}`)} <span class="opt">${i18n.t('nps.optional')}</span></label>
            <textarea id="c" part="follow-up" maxlength="2000" .value=${this.#comment} @input=${(e: Event) => (this.#comment = (e.target as HTMLTextAreaElement).value)}></textarea>
            ${this.view === 'failed'
              ? html`<p part="error" role="alert" tabindex="-1" data-focus>${this.errorMessage(this.error)}</p>
                  <button part="retry-button" type="submit">${i18n.t('retry')}</button>`
              : html`<button part="submit-button" type="submit">${i18n.t('nps.send')}</button>`}`
        : nothing}`;
  }

  #renderThanks(): TemplateResult {
    const { i18n, invite } = this;
    return html`<div part="base thanks" lang=${i18n.locale}>
      ${this.#renderHead('nps.thanks', true)} ${this.view === 'already' ? html`<p>${i18n.t('nps.already')}</p>` : nothing}
      ${invite ? html`<p>${i18n.t('nps.invite')} <a part="invite-link" href=${invite[0]}>${i18n.t(invite[1])}</a></p>` : nothing}
      <p role="status">${this.queued ? i18n.t('nps.queued') : ''}</p>
    </div>`;
  }
}
