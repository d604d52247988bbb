/** `Intl` formatting for the widget's locale and the store's currency; formatters are cached. */
import type { Translator } from './i18n.ts';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

export class Formatter {
  readonly #i18n: Translator;
  readonly #currency: string;

  constructor(i18n: Translator, currency: string) {
    this.#i18n = i18n;
    this.#currency = currency;
  }

  number(value: number, options?: Intl.NumberFormatOptions): string {
    return numberFormat(this.#i18n.locale, options).format(value);
  }

  /** "1,200 points" / "1,200ポイント", in the merchant's words if they renamed points. */
  points(value: number): string {
    return this.#i18n.plural('points', value, { count: this.number(value) });
  }

  /** An amount in the currency's minor units (yen have none, cents are 1/100 of a dollar). */
  money(minor: number, currency = this.#currency): string {
    const format = numberFormat(this.#i18n.locale, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 0;
    return format.format(minor / 10 ** digits);
  }

  percent(value: number): string {
    return numberFormat(this.#i18n.locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
  }

  date(iso: string | Date): string {
    return dateFormat(this.#i18n.locale, { dateStyle: 'medium' }).format(new Date(iso));
  }
}
