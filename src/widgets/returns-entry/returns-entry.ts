/**
 * <encore-returns-entry>: the store's return policy in plain words; a lookup by order number plus
 * one contact detail (e-mail, postal code or phone); the order's items with what each can still
 * get or why not; choosing items, quantities, a reason and a resolution; the return request sent
 * through the outbox (kept until the server acknowledges it, under one idempotency key); then the
 * return number, status and label link. With `portal-url`, a verified lookup is handed to an
 * external returns portal instead.
 *
 * The server answers every mismatch (wrong number, wrong contact) with the same 404, and the
 * widget says the same thing for each, so the answer never tells which detail was wrong.
 */
import { initialState, Task, TaskStatus } from '../../core/task.ts';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import * as contract from '../../../contract/schemas.ts';
import type { Return, ReturnableItem, ReturnLookup, ReturnRequest, ReturnResolution } from '../../../contract/types.ts';
import { ApiError, baseStyles, EncoreElement, idempotencyKey, pageSession, type Formatter, type Queued } from '../../core/index.ts';
import { messages } from './messages.ts';
import { styles } from './returns-entry.styles.ts';

export interface ReturnLookupDetail {
  /** The order number as the store writes it. */
  orderNumber: string;
  /** The items that can still be returned, with their quantities and options. */
  eligibleItems: ReturnableItem[];
}

export interface ReturnSubmitDetail {
  /** The return number (e.g. R-7KQ2M9). */
  number: string;
  status: Return['status'];
  /** The prepaid return label. */
  labelUrl: string;
  resolution: ReturnResolution;
  items: Return['items'];
}

declare global {
  interface HTMLElementTagNameMap {
    'encore-returns-entry': EncoreReturnsEntry;
  }
  interface HTMLElementEventMap {
    'encore-return-lookup': CustomEvent<ReturnLookupDetail>;
    'encore-return-submit': CustomEvent<ReturnSubmitDetail>;
  }
}

type Field = 'order' | 'contact' | 'items' | 'reason' | 'resolution';

const KIND = 'return';
const KINDS = ['email', 'postalCode', 'phone'];
const RESOLUTIONS: ReturnResolution[] = ['refund', 'exchange', 'store_credit'];
const DAYS = ['refundDays', 'exchangeDays', 'storeCreditDays'] as const;
/** Per input: type (also its inputmode), autocomplete token, the server's maxLength. */
const INPUTS: Record<string, [string, string, number]> = {
  order: ['text', 'off', 40],
  email: ['email', 'email', 254],
  postalCode: ['text', 'postal-code', 20],
  phone: ['tel', 'tel', 32],
};

/** An absolute http(s) URL, or undefined (so `javascript:` and the like never become a link). */
function httpUrl(value: string | null | undefined): URL | undefined {
  try {
    const url = new URL(value!, location.href);
    return value && /^https?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a return: policy, order lookup, items, request, return number and label.
 *
 * @tagname encore-returns-entry
 * @summary Returns and exchanges: look an order up, choose items, get a return number and label.
 * @fires encore-return-lookup - An order was found; `detail` has its number and the items that can still be returned.
 * @fires encore-return-submit - The server created the return; `detail` has its number, status, label URL, resolution and items.
 * @csspart base - The card.
 * @csspart skeleton - The loading placeholder.
 * @csspart error - An error message (lookup mismatch, rate limit, a failed request).
 * @csspart retry-button - Tries the failed read again; after an expired lookup, looks the order up again.
 * @csspart policy - The return policy in plain words.
 * @csspart order-input - The order number.
 * @csspart contact-kind - The choice of e-mail, postal code or phone.
 * @csspart contact-input - The e-mail, postal code or phone number.
 * @csspart field-error - A field's validation message.
 * @csspart lookup-button - Looks the order up.
 * @csspart change-button - Goes back to look up another order.
 * @csspart item - Each item of the order (`item--eligible`, `item--ineligible`).
 * @csspart image - An item's image.
 * @csspart options - An eligible item's resolutions, as badges.
 * @csspart badge - What an item can be returned for (refund, exchange, store credit).
 * @csspart ineligible - Why an item cannot be returned.
 * @csspart quantity - How many of a chosen item to return.
 * @csspart reason - The reason select.
 * @csspart resolution - The resolution choice (refund, exchange, store credit).
 * @csspart submit-button - Requests the return.
 * @csspart empty - Nothing in the order can be returned.
 * @csspart queued - Saved while offline: sent when the connection is back.
 * @csspart result - The created return.
 * @csspart return-number - The return number.
 * @csspart status - The return's status.
 * @csspart label-link - The return label (opens in a new tab).
 * @csspart portal-link - `portal-url`: continues to the external returns portal.
 * @cssproperty --encore-returns-entry-accent - The chosen contact kind and the badges.
 */
export class EncoreReturnsEntry extends EncoreElement {
  static override styles = [baseStyles, styles];
  static override messages = messages;
  static override properties: PropertyDeclarations = {
    ...EncoreElement.properties,
    portalUrl: { attribute: 'portal-url' },
  };

  #policy = new Task(this, {
    task: ([client, near]) => (near ? pageSession(client).then((session) => session.returnPolicy) : initialState),
    args: () => [this.client, this.near] as const,
  });

  /** What the shopper typed and chose, by input name. */
  #v: Record<string, string> = { kind: 'email', order: '', contact: '', reason: '', resolution: '' };
  /** Units chosen per product id. */
  #picked: Record<string, number> = {};
  /** Validation messages (catalogue keys) by field. */
  #errors: Partial<Record<Field, string>> = {};
  #busy = false;
  /** The failed lookup or request, shown in the view it came from. */
  #error: unknown;
  /** Rate-limited: no lookup before this time (ms). */
  #until = 0;
  #found: ReturnLookup | undefined;
  #sending: 'sending' | 'queued' | undefined;
  #result: Return | undefined;
  /** The request last sent, as JSON, and its idempotency key: the same request keeps its key. */
  #sent: [ReturnRequest, string, string] | undefined;

  /**
   * An external returns portal (http or https). After a successful lookup the shopper continues
   * there instead of choosing items here, with `order` (the order number) and `token` (the lookup
   * token, valid 30 minutes) added as query parameters. Other schemes are ignored.
   */
  declare portalUrl: string | undefined;

  #update(): void {
    this.requestUpdate();
  }

  /** Focuses an element of the next render. */
  async #focus(selector: string): Promise<void> {
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** The catalogue key of what is wrong with a field, or undefined. */
  #invalid(field: Field): string | undefined {
    const value = this.#v[field]?.trim();
    if (field === 'items') return Object.keys(this.#picked).length ? undefined : 'rt.needItems';
    if (field === 'resolution') return this.#options().includes(value as ReturnResolution) ? undefined : 'rt.needOne';
    if (!value) return field === 'reason' ? 'rt.needOne' : 'rt.need';
    return field === 'contact' && this.#v['kind'] === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? 'rt.mail' : undefined;
  }

  /** Validates the fields and moves focus to the first invalid one. */
  #check(fields: Field[]): boolean {
    const errors: Partial<Record<Field, string>> = {};
    for (const f of fields) errors[f] = this.#invalid(f);
    this.#errors = errors;
    this.#update();
    const first = fields.find((f) => errors[f]);
    if (first) void this.#focus(`#${first}`);
    return !first;
  }

  /**
   * Every edit lands in the state and re-renders, so the `.value` and `.checked` bindings always
   * hold what the controls show and a reset (another contact kind) reaches them without `live()`.
   */
  #onInput(event: Event): void {
    const t = event.target as HTMLInputElement;
    const { name, value } = t;
    const id = t.dataset['id']!;
    const field = (name === 'pick' || name === 'qty' ? 'items' : name) as Field;
    if (name === 'pick') {
      if (t.checked) this.#picked[id] = 1;
      else delete this.#picked[id];
    } else if (name === 'qty') this.#picked[id] = +value;
    else {
      this.#v[name] = value;
      if (name === 'kind') this.#v['contact'] = this.#errors.contact = '';
    }
    // A message on screen follows the fix as the shopper types.
    if (this.#errors[field]) this.#errors[field] = this.#invalid(field);
    this.#update();
  }

  #onChange(event: Event): void {
    const name = (event.target as HTMLInputElement).name as Field;
    // Leaving a field after typing (`change`) judges what was typed; an empty field waits for the submit.
    if ((name === 'order' || name === 'contact') && this.#v[name]!.trim()) {
      this.#errors[name] = this.#invalid(name);
      this.#update();
    }
  }

  async #lookup(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.#busy || this.#until > Date.now() || !this.#check(['order', 'contact'])) return;
    const v = this.#v;
    this.#busy = true;
    this.#error = undefined;
    this.#update();
    try {
      // Sent as typed (trimmed): the server normalises contacts and order numbers.
      const found = await this.client.post<ReturnLookup>(
        '/returns/lookup',
        { orderNumber: v['order']!.trim(), [v['kind']!]: v['contact']!.trim() },
        { schema: contract.ReturnLookup },
      );
      const eligibleItems = found.order.items.filter((i) => !i.reason);
      // Keep the choices that still hold (a second lookup after an expired one).
      const picked: Record<string, number> = {};
      for (const { productId: id, returnableQuantity } of eligibleItems) if (this.#picked[id]) picked[id] = Math.min(this.#picked[id]!, returnableQuantity);
      this.#picked = picked;
      this.#found = found;
      this.emit('encore-return-lookup', { orderNumber: found.order.number, eligibleItems });
      void this.#focus('#found');
    } catch (error) {
      this.#found = undefined;
      this.#error = error;
      if (error instanceof ApiError && error.status === 429) {
        const ms = (error.retryAfter ?? 60) * 1000;
        this.#until = Date.now() + ms;
        setTimeout(() => {
          if (this.#error === error) this.#error = undefined;
          this.#update();
        }, ms);
      }
      // The message takes the focus (the button may have just been disabled).
      void this.#focus('[part~=error]');
    }
    this.#busy = false;
    this.#update();
  }

  #change(): void {
    this.#found = this.#error = undefined;
    this.#update();
    void this.#focus('#order');
  }

  async #submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.#sending || !this.#check(['items', 'reason', 'resolution'])) return;
    const { lookupToken, order } = this.#found!;
    const body: ReturnRequest = {
      lookupToken,
      items: order.items.filter((i) => this.#picked[i.productId]).map(({ productId }) => ({ productId, quantity: this.#picked[productId]! })),
      reason: this.#v['reason']!,
      resolution: this.#v['resolution'] as ReturnResolution,
    };
    const json = JSON.stringify(body);
    // The same request keeps its key, so one whose reply was lost is never applied twice.
    const key = this.#sent?.[1] === json ? this.#sent[2] : idempotencyKey();
    this.#sent = [body, json, key];
    this.#sending = 'sending';
    this.#error = undefined;
    this.#update();
    const outbox = this.outbox;
    const queued = outbox.enqueue<Return>({ kind: KIND, path: '/returns', body, idempotencyKey: key, schema: contract.Return });
    void this.#follow(queued);
    // Still in the outbox after the first attempt: the network failed; the outbox keeps trying.
    await outbox.flush();
    if (this.#sending && outbox.pending(KIND).some((e) => e.id === queued.id)) {
      this.#sending = 'queued';
      this.#update();
    }
  }

  /** Waits for the server's answer to a queued request. */
  async #follow(queued: Queued<unknown>): Promise<void> {
    try {
      const { number, status, labelUrl, resolution, items } = (this.#result = (await queued.done) as Return);
      this.emit('encore-return-submit', { number, status, labelUrl, resolution, items });
      void this.#focus('#done');
    } catch (error) {
      this.#error = error;
      void this.#focus('[part~=error]');
    }
    this.#sending = undefined;
    this.#update();
  }

  /** Resolutions every chosen item allows (before any choice: those some eligible item allows). */
  #options(): ReturnResolution[] {
    const items = this.#found?.order.items.filter((i) => !i.reason) ?? [];
    const chosen = items.filter((i) => this.#picked[i.productId]);
    return RESOLUTIONS.filter((r) => (chosen.length ? chosen.every((i) => i.options.includes(r)) : items.some((i) => i.options.includes(r))));
  }

  /** A server id in the shopper's words, or the id itself when the catalogue lacks it. */
  #word(prefix: string, id: string): string {
    const key = `rt.${prefix}.${id}`;
    const text = this.i18n.t(key);
    return text === key ? id : text;
  }

  protected override errorMessage(error: unknown): string {
    const { i18n } = this;
    const e = error as ApiError | undefined;
    const code = e?.code;
    if (code === 'order_lookup_failed' || code === 'lookup_expired') return i18n.t(`rt.${code}`);
    if (code === 'item_not_returnable') {
      // `field` is /items/<i> of the request; without it, every chosen item is named.
      const at = /^\/items\/(\d+)/.exec(e!.problem?.field ?? '')?.[1];
      const lines = this.#sent?.[0].items ?? [];
      const titles = (at ? lines.slice(+at, +at + 1) : lines).map(({ productId }) => this.#found?.order.items.find((i) => i.productId === productId)?.title ?? productId);
      return i18n.t(`rt.${code}`, { item: new Intl.ListFormat(i18n.locale).format(titles) });
    }
    if (e?.status === 429) {
      const minutes = Math.max(1, Math.ceil((e.retryAfter ?? 60) / 60));
      return i18n.t('rt.rate', { when: new Intl.RelativeTimeFormat(i18n.locale).format(minutes, 'minute') });
    }
    return super.errorMessage(error);
  }

  override render(): TemplateResult {
    const task = this.#policy;
    if (task.status === TaskStatus.ERROR) return this.renderError(task.error, () => void task.run());
    const policy = task.value;
    const { i18n } = this;
    if (!policy) {
      return html`<div part="base skeleton" aria-busy="true"><span class="visually-hidden" role="status">${i18n.t('loading')}</span>${[...'hpliklib'].map(
        (c) => html`<span class="bone ${c}"></span>`,
      )}</div>`;
    }
    const format = this.formatter(policy.currency);
    const found = this.#found;
    const result = this.#result;
    const list = new Intl.ListFormat(i18n.locale).format(
      RESOLUTIONS.flatMap((r, i) => {
        const n = policy[DAYS[i]!];
        return n > 0 ? [i18n.t(`rt.${r}`, { days: i18n.plural('rt.days', n, { n: format.number(n) }) })] : [];
      }),
    );
    return html`<section part="base" lang=${i18n.locale} aria-labelledby="title"><h2 id="title">${i18n.t('rt.title')}</h2><p part="policy">${
      list ? `${list[0]!.toUpperCase()}${list.slice(1)}${i18n.locale === 'ja' ? '。' : '. '}${i18n.t('rt.final')}` : i18n.t('rt.closed')
    }</p>${result ? this.#renderResult(result) : found ? this.#renderFound(found, format) : this.#renderForm()}${
      this.#sending === 'queued' ? html`<p part="queued" role="status">${i18n.t('rt.queued')}</p>` : nothing
    }</section>`;
  }

  /** A field's message, tied to its control by `e-<field>`. */
  #fieldError(field: Field): TemplateResult | typeof nothing {
    const key = this.#errors[field];
    return key ? html`<p id="e-${field}" part="field-error">${this.i18n.t(key)}</p>` : nothing;
  }

  #describedBy(field: Field): string | typeof nothing {
    return this.#errors[field] ? `e-${field}` : nothing;
  }

  /** The message of a failed lookup or request; it takes the focus when it appears. */
  #renderError(): TemplateResult | typeof nothing {
    return this.#error ? html`<p part="error" role="alert" tabindex="-1">${this.errorMessage(this.#error)}</p>` : nothing;
  }

  /** A labelled text input with its hint and validation message. */
  #input(name: 'order' | 'contact', spec: string, label: string, hint: string): TemplateResult {
    const [type, autocomplete, max] = INPUTS[spec]!;
    const error = this.#errors[name];
    return html`<label for=${name}>${label}</label><p id="h-${name}" class="hint">${hint}</p><input id=${name} part="${name}-input" name=${name} type=${type} autocomplete=${autocomplete} maxlength=${max} required aria-invalid=${!!error} aria-describedby="h-${name}${
      error ? ` e-${name}` : ''
    }" .value=${this.#v[name]!}>${this.#fieldError(name)}`;
  }

  #renderForm(): TemplateResult {
    const { i18n } = this;
    const kind = this.#v['kind']!;
    return html`<form novalidate @submit=${this.#lookup} @input=${this.#onInput} @change=${this.#onChange}>${this.#input(
      'order',
      'order',
      i18n.t('rt.order'),
      i18n.t('rt.orderHint'),
    )}<fieldset part="contact-kind"><legend>${i18n.t('rt.with')}</legend>${KINDS.map(
      (k) => html`<label class="seg"><input type="radio" name="kind" value=${k} .checked=${k === kind}>${i18n.t(`rt.${k}`)}</label> `,
    )}</fieldset>${this.#input('contact', kind, i18n.t(`rt.${kind}`), i18n.t('rt.contactHint'))}${this.#renderError()}<button part="lookup-button" ?disabled=${
      this.#until > Date.now()
    } aria-disabled=${this.#busy}>${i18n.t(this.#busy ? 'rt.busy' : 'rt.find')}</button></form>`;
  }

  #renderFound(found: ReturnLookup, format: Formatter): TemplateResult {
    const { i18n } = this;
    const { order } = found;
    const portal = httpUrl(this.portalUrl);
    const eligible = order.items.filter((i) => !i.reason);
    const { reason, resolution } = this.#v;
    portal?.searchParams.set('order', order.number);
    portal?.searchParams.set('token', found.lookupToken);
    const body = portal
      ? html`<a part="portal-link" class="button" href=${portal.href}>${i18n.t('rt.portal')}</a>`
      : html`<form novalidate @submit=${this.#submit} @input=${this.#onInput}><fieldset aria-describedby=${this.#describedBy('items')}><legend>${i18n.t(
          'rt.pick',
        )}</legend>${this.#fieldError('items')}<ul>${order.items.map((item, n) => this.#renderItem(item, n, format, item === eligible[0]))}</ul></fieldset>${
          eligible.length
            ? html`<label for="reason">${i18n.t('rt.reason')}</label><select id="reason" part="reason" name="reason" required aria-invalid=${!!this.#errors
                .reason} aria-describedby=${this.#describedBy('reason')}><option value="">${i18n.t('rt.needOne')}</option>${found.policy.reasons.map(
                (r) => html`<option value=${r} ?selected=${r === reason}>${this.#word('r', r)}</option>`,
              )}</select>${this.#fieldError('reason')}<fieldset part="resolution" aria-describedby=${this.#describedBy('resolution')}><legend>${i18n.t(
                'rt.want',
              )}</legend>${this.#options().map(
                (r, n) =>
                  html`<label class="seg"><input type="radio" name="resolution" id=${n ? nothing : 'resolution'} value=${r} .checked=${r === resolution}>${this.#word(
                    'res',
                    r,
                  )}</label> `,
              )}</fieldset>${this.#fieldError('resolution')}${this.#renderError()}${
                this.#busy || (this.#error as ApiError | undefined)?.code === 'lookup_expired'
                  ? html`<button part="retry-button" type="button" aria-disabled=${this.#busy} @click=${() => this.#lookup()}>${i18n.t(this.#busy ? 'rt.busy' : 'rt.again')}</button>`
                  : html`<button part="submit-button" aria-disabled=${!!this.#sending}>${i18n.t(this.#sending ? 'rt.busy' : 'rt.submit')}</button>`
              }`
            : html`<p part="empty">${i18n.t('rt.none')}</p>`
        }</form>`;
    return html`<div class="head"><h3 id="found" tabindex="-1">${i18n.t('rt.found', { number: order.number })}</h3><button part="change-button" type="button" class="secondary" @click=${
      this.#change
    }>${i18n.t('rt.other')}</button></div>${body}`;
  }

  #renderItem(item: ReturnableItem, n: number, format: Formatter, first: boolean): TemplateResult {
    const { i18n } = this;
    const ok = !item.reason;
    const units = this.#picked[item.productId];
    return html`<li part="item item--${ok ? '' : 'in'}eligible">${item.image ? html`<img part="image" src=${item.image} alt="">` : nothing}<div class="info"><label class="name">${
      ok
        ? html`<input type="checkbox" name="pick" id=${first ? 'items' : nothing} data-id=${item.productId} aria-invalid=${!!this.#errors
            .items} aria-describedby="o${n}" .checked=${!!units}>`
        : nothing
    }${item.title}</label><span class="hint">${i18n.t('rt.bought', { n: format.number(item.quantity) })} · ${format.money(
      item.price,
      this.#found!.order.currency,
    )}</span><br><span id="o${n}" part=${ok ? 'options' : 'ineligible'}>${
      ok ? item.options.map((r) => html`<span part="badge">${this.#word('res', r)}</span> `) : this.#word('why', item.reason!)
    }</span></div>${
      units && item.returnableQuantity > 1
        ? html`<label class="qty">${i18n.t('rt.qty')}<span class="visually-hidden"> ${item.title}</span><select part="quantity" name="qty" data-id=${
            item.productId
          }>${Array.from({ length: item.returnableQuantity }, (_, q) => html`<option value=${++q} ?selected=${q === units}>${format.number(q)}</option>`)}</select></label>`
        : nothing
    }</li>`;
  }

  #renderResult(result: Return): TemplateResult {
    const { i18n } = this;
    const label = httpUrl(result.labelUrl);
    return html`<div part="result"><h3 id="done" tabindex="-1">${i18n.t('rt.done')}</h3><p>${i18n.t('rt.number')}: <strong part="return-number">${
      result.number
    }</strong></p><p>${i18n.t('rt.status')}: <strong part="status">${this.#word('s', result.status)}</strong></p>${
      label
        ? html`<a part="label-link" class="button" href=${label.href} target="_blank" rel="noopener">${i18n.t('rt.label')}<span class="visually-hidden"> ${i18n.t(
            'rt.newTab',
          )}</span></a>`
        : nothing
    }</div>`;
  }
}
