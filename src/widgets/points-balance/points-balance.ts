import { initialState, Task, TaskStatus } from '../../core/task.ts';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import * as contract from '../../../contract/schemas.ts';
import type { EarnRule, Member, Redemption, Reward, Session } from '../../../contract/types.ts';
import { ApiError, baseStyles, EncoreElement, idempotencyKey, pageSession, type Formatter } from '../../core/index.ts';
import { messages } from './messages.ts';
import { styles } from './points-balance.styles.ts';

export interface RedeemDetail {
  rewardId: string;
  code: string;
  pointsSpent: number;
  balance: number;
}

declare global {
  interface HTMLElementTagNameMap {
    'encore-points-balance': EncorePointsBalance;
  }
  interface HTMLElementEventMap {
    'encore-redeem': CustomEvent<RedeemDetail>;
  }
}

type Step =
  | { kind: 'idle' }
  | { kind: 'confirm'; reward: Reward; key: string }
  | { kind: 'redeeming'; reward: Reward; key: string }
  | { kind: 'failed'; reward: Reward; key: string; error: unknown }
  | { kind: 'done'; reward: Reward; redemption: Redemption; copy: 'idle' | 'copied' | 'failed' };

/**
 * The shopper's points: balance, tier and progress, rewards to redeem, ways to earn and points
 * expiring soon; for a guest, the join offer.
 *
 * @tagname encore-points-balance
 * @summary Loyalty points balance and rewards.
 * @fires encore-redeem - A reward was redeemed; `detail` has the code and the new balance.
 * @csspart base - The card.
 * @csspart skeleton - The loading placeholder.
 * @csspart error - The error message.
 * @csspart retry-button - Tries the failed call again.
 * @csspart balance - The points balance.
 * @csspart tier - The shopper's tier.
 * @csspart progress - Progress to the next tier.
 * @csspart reward - Each reward (`reward--available`, `reward--locked`).
 * @csspart redeem-button - Starts redeeming a reward.
 * @csspart confirm - The confirmation step.
 * @csspart code - The discount code.
 * @csspart copy-button - Copies the code.
 * @csspart join-link - Guest: create an account.
 * @csspart sign-in-link - Guest: sign in.
 * @csspart earn - The ways to earn.
 * @csspart expiring - Points expiring soon.
 * @csspart empty - The no-points message.
 * @cssproperty --encore-points-balance-accent - Progress bar colour.
 */
export class EncorePointsBalance extends EncoreElement {
  static override styles = [baseStyles, styles];
  static override messages = messages;
  static override properties: PropertyDeclarations = {
    ...EncoreElement.properties,
    joinUrl: { attribute: 'join-url' },
    signInUrl: { attribute: 'sign-in-url' },
    step: { state: true },
  };

  #session = new Task(this, {
    task: ([client, near]) => (near ? pageSession(client) : initialState),
    args: () => [this.client, this.near] as const,
  });

  /** Where "Create an account" goes; defaults to the store's setting. */
  declare joinUrl: string | undefined;
  /** Where "Sign in" goes; defaults to the store's setting. */
  declare signInUrl: string | undefined;
  declare protected step: Step;

  constructor() {
    super();
    this.step = { kind: 'idle' };
  }

  /** Reloads the shopper's points from the server. */
  refresh(): Promise<unknown> {
    void pageSession(this.client, true);
    return this.#session.run();
  }

  #startRedeem(reward: Reward): void {
    this.step = { kind: 'confirm', reward, key: idempotencyKey() };
    void this.#focus('[data-focus="confirm"]');
  }

  #cancel(reward: Reward): void {
    this.step = { kind: 'idle' };
    void this.#focus(`[data-reward="${CSS.escape(reward.id)}"]`);
  }

  async #redeem(): Promise<void> {
    const step = this.step;
    if (step.kind !== 'confirm' && step.kind !== 'failed') return;
    const { reward, key } = step; // the same key for every retry of this one intent
    this.step = { kind: 'redeeming', reward, key };
    try {
      const redemption = await this.client.post<Redemption>(
        '/loyalty/redemptions',
        { rewardId: reward.id },
        { idempotencyKey: key, schema: contract.Redemption },
      );
      this.step = { kind: 'done', reward, redemption, copy: 'idle' };
      const { rewardId, code, pointsSpent, balance } = redemption;
      this.emit('encore-redeem', { rewardId, code, pointsSpent, balance });
      void this.#focus('[data-focus="done"]');
      void this.#session.run(); // tier, expiry and balance as the server now sees them
    } catch (error) {
      this.step = { kind: 'failed', reward, key, error };
      void this.#focus('[data-focus="failed"]');
    }
  }

  async #copy(code: string): Promise<void> {
    const step = this.step;
    if (step.kind !== 'done') return;
    let copied = false;
    try {
      await navigator.clipboard.writeText(code);
      copied = true;
    } catch {
      // Clipboard API refused (permissions, insecure context): select the code and use the legacy command.
      const node = this.renderRoot.querySelector('[part~="code"]');
      const selection = getSelection();
      if (node && selection) {
        selection.selectAllChildren(node);
        copied = document.execCommand('copy');
      }
    }
    this.step = { ...step, copy: copied ? 'copied' : 'failed' };
  }

  async #focus(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #onKeydown(event: KeyboardEvent): void {
    const step = this.step;
    if (event.key === 'Escape' && (step.kind === 'confirm' || step.kind === 'failed')) {
      event.stopPropagation();
      this.#cancel(step.reward);
    }
  }

  override render(): TemplateResult {
    const session = this.#session;
    // A failed refresh behind a fresh discount code leaves the code on screen.
    if (session.status === TaskStatus.ERROR && !(session.value && this.step.kind === 'done')) {
      return this.renderError(session.error, () => void session.run());
    }
    // Keep showing what we have while a refresh runs; the skeleton only before the first reply.
    if (!session.value) return this.#renderSkeleton();
    return this.#renderSession(session.value);
  }

  /**
   * The placeholder has the shape of the card that will replace it, so nothing moves (SPEC §2):
   * a signed-in shopper's card (balance, tier, progress, rewards, ways to earn) is taller than the
   * guest's join offer, and whether a token is configured is known before the read.
   */
  #renderSkeleton(): TemplateResult {
    const signedIn = Boolean(this.config.customerToken);
    return html`<div part="base skeleton" aria-busy="true" class=${signedIn ? 'member' : 'guest'}>
      <span class="visually-hidden" role="status">${this.i18n.t('loading')}</span>
      <span class="bone title"></span>
      ${signedIn ? html`<span class="bone balance"></span><span class="bone bar"></span>` : html`<span class="bone line"></span>`}
      ${(signedIn ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5, 6]).map(() => html`<span class="bone row"></span>`)}
    </div>`;
  }

  #renderSession(session: Session): TemplateResult {
    const format = this.formatter(session.store.currency);
    const { i18n } = this;
    const member = session.customer;
    const body = member ? this.#renderMember(session, member, format) : this.#renderGuest(session, format);
    return html`<section part="base" lang=${i18n.locale} aria-labelledby="title" @keydown=${this.#onKeydown}>
      ${body} ${this.later(() => this.#renderEarn(session.program.earn, format))}
    </section>`;
  }

  #renderGuest(session: Session, format: Formatter): TemplateResult {
    const { i18n } = this;
    const { links } = session.store;
    return html`<h2 id="title">${i18n.t('pb.guest.title', { store: session.store.name })}</h2>
      <p class="offer">${i18n.t('pb.guest.offer', { points: format.points(session.program.welcomePoints) })}</p>
      <p class="actions">
        <a part="join-link" class="button" href=${this.joinUrl || links.join}>${i18n.t('pb.guest.join')}</a>
        <span>${i18n.t('pb.guest.already')} <a part="sign-in-link" href=${this.signInUrl || links.signIn}>${i18n.t('pb.guest.signIn')}</a></span>
      </p>
      ${session.program.rewards.length
        ? html`<h3>${i18n.t('pb.guest.catalogue')}</h3>
            <ul class="rewards">
              ${session.program.rewards.map(
                (reward) => html`<li part="reward reward--locked">
                  <span class="reward-name">${this.#rewardName(reward, format)}</span>
                  <span class="cost">${i18n.t('pb.cost', { points: format.points(reward.cost) })}</span>
                </li>`,
              )}
            </ul>`
        : nothing}`;
  }

  #renderMember(session: Session, member: Member, format: Formatter): TemplateResult {
    const { i18n } = this;
    const tiers = session.program.tiers;
    const tier = tiers.find((t) => t.id === member.tier);
    const next = tiers.find((t) => t.id === member.nextTier);
    return html`<h2 id="title">${i18n.t('pb.title')}</h2>
      <p class="summary">
        <span class="visually-hidden">${i18n.t('pb.balanceLabel')}: </span>
        <span part="balance">${format.points(member.balance)}</span>
        ${tier ? html`<span part="tier">${i18n.t('pb.tier', { tier: tier.name })}</span>` : nothing}
      </p>
      ${next
        ? html`<div part="progress">
            <p id="progress-label">${i18n.t('pb.toNext', { points: format.points(Math.max(0, next.threshold - member.tierPoints)), tier: next.name })}</p>
            <progress
              max=${next.threshold}
              value=${Math.min(member.tierPoints, next.threshold)}
              aria-label=${i18n.t('pb.progressLabel', { tier: next.name })}
              aria-describedby="progress-label"
            ></progress>
          </div>`
        : html`<p part="progress">${i18n.t('pb.topTier')}</p>`}
      ${member.expiring
        ? html`<p part="expiring">${i18n.t('pb.expiring', { points: format.points(member.expiring.points), date: format.date(member.expiring.date) })}</p>`
        : nothing}
      ${member.balance === 0 ? html`<p part="empty">${i18n.t('pb.empty')}</p>` : nothing}
      <h3>${i18n.t('pb.rewards')}</h3>
      ${session.program.rewards.length
        ? html`<ul class="rewards">
            ${this.later(() => session.program.rewards.map((reward) => this.#renderReward(reward, member, format)))}
          </ul>`
        : html`<p part="empty">${i18n.t('pb.noRewards')}</p>`}`;
  }

  #renderReward(reward: Reward, member: Member, format: Formatter): TemplateResult {
    const { i18n } = this;
    const step = this.step;
    const name = this.#rewardName(reward, format);
    const active = step.kind !== 'idle' && step.reward.id === reward.id ? step : undefined;
    const affordable = member.balance >= reward.cost;
    return html`<li part=${affordable ? 'reward reward--available' : 'reward reward--locked'}>
      <div class="reward-row">
        <span class="reward-name">${name}</span>
        <span class="cost">${i18n.t('pb.cost', { points: format.points(reward.cost) })}</span>
        ${affordable
          ? html`<button
              part="redeem-button"
              type="button"
              data-reward=${reward.id}
              ?disabled=${active !== undefined && active.kind !== 'done'}
              @click=${() => this.#startRedeem(reward)}
            >
              ${i18n.t('pb.redeem')}<span class="visually-hidden">: ${name}</span>
            </button>`
          : html`<span class="need">${i18n.t('pb.needMore', { points: format.points(reward.cost - member.balance) })}</span>`}
      </div>
      ${active ? this.#renderStep(active, name, member, format) : nothing}
    </li>`;
  }

  #renderStep(step: Exclude<Step, { kind: 'idle' }>, name: string, member: Member, format: Formatter): TemplateResult {
    const { i18n } = this;
    const { reward } = step;
    if (step.kind === 'done') {
      const { redemption } = step;
      return html`<div part="redemption" class="panel">
        <h4 tabindex="-1" data-focus="done">${i18n.t('pb.success')}</h4>
        <p>
          <span class="label">${i18n.t('pb.codeLabel')}</span>
          <code part="code">${redemption.code}</code>
          <button part="copy-button" type="button" class="secondary" @click=${() => this.#copy(redemption.code)}>${i18n.t('pb.copy')}</button>
        </p>
        <p>${i18n.t('pb.useAtCheckout')} ${i18n.t('pb.newBalance', { points: format.points(redemption.balance) })}</p>
        <p role="status" class="copy-status">${step.copy === 'copied' ? i18n.t('pb.copied') : step.copy === 'failed' ? i18n.t('pb.copyFailed') : ''}</p>
        <button type="button" class="secondary" @click=${() => this.#cancel(reward)}>${i18n.t('pb.done')}</button>
      </div>`;
    }
    const busy = step.kind === 'redeeming';
    const question = i18n.t('pb.confirm', { reward: name, points: format.points(reward.cost) });
    return html`<div part="confirm" class="panel" role="group" aria-label=${question}>
      <p>${question} ${i18n.t('pb.confirmAfter', { points: format.points(Math.max(0, member.balance - reward.cost)) })}</p>
      ${step.kind === 'failed'
        ? html`<p part="error" role="alert" tabindex="-1" data-focus="failed">
            ${step.error instanceof ApiError && step.error.code === 'insufficient_points' ? i18n.t('pb.insufficient') : this.errorMessage(step.error)}
          </p>`
        : nothing}
      <p class="actions">
        ${step.kind === 'failed'
          ? html`<button part="retry-button" type="button" @click=${this.#redeem}>${i18n.t('retry')}</button>`
          : html`<button part="confirm-button" type="button" data-focus="confirm" ?disabled=${busy} @click=${this.#redeem}>
              ${busy ? i18n.t('pb.redeeming') : i18n.t('pb.confirmYes')}
            </button>`}
        <button type="button" class="secondary" ?disabled=${busy} @click=${() => this.#cancel(reward)}>${i18n.t('pb.cancel')}</button>
      </p>
      <p class="visually-hidden" role="status">${busy ? i18n.t('pb.redeeming') : ''}</p>
    </div>`;
  }

  #renderEarn(rules: EarnRule[], format: Formatter): TemplateResult | typeof nothing {
    const { i18n } = this;
    if (!rules.length) return nothing;
    return html`<h3>${i18n.t('pb.earn')}</h3>
      <ul part="earn">
        ${rules.map(
          (rule) => html`<li part="earn-rule">
            ${i18n.t(`pb.earn.${rule.kind}`, { points: format.points(rule.points), amount: format.money(rule.per ?? 0) })}
          </li>`,
        )}
      </ul>`;
  }

  #rewardName(reward: Reward, format: Formatter): string {
    return this.i18n.t(`pb.reward.${reward.kind}`, { amount: format.money(reward.value), percent: format.percent(reward.value) });
  }
}
