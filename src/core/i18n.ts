/**
 * English and Japanese text. Each widget brings its own catalogue in its own chunk; the core
 * holds the few messages every widget shares. A message is a string with `{name}` placeholders;
 * plural forms are separate keys suffixed with the `Intl.PluralRules` category (`.one`, `.other`).
 * Merchants reword any key per locale (`Encore.configure({ messages: { ja: {...} } })` or the
 * store's settings on the server), and their words win.
 */
import type { MessageOverrides } from './global.ts';

export const locales = ['en', 'ja'] as const;
export type Locale = (typeof locales)[number];
export type Catalog = Record<string, string>;
export type Catalogs = Record<Locale, Catalog>;

export const coreMessages: Catalogs = {
  en: {
    'points.one': '{count} point',
    'points.other': '{count} points',
    'error.network': 'We couldn’t reach the rewards service. Check your connection and try again.',
    'error.timeout': 'The rewards service took too long to answer.',
    'error.server': 'Something went wrong on our side.',
    'error.config': 'This widget is not set up yet (missing store or API address).',
    'error.rate': 'Too many attempts. Try again in {seconds} seconds.',
    'error.session': 'Your sign-in has expired. Reload the page to sign in again.',
    'error.generic': 'Something went wrong.',
    retry: 'Try again',
    loading: 'Loading…',
  },
  ja: {
    'points.other': '{count}ポイント',
    'error.network': 'サービスに接続できませんでした。接続を確認して、もう一度お試しください。',
    'error.timeout': 'サービスの応答に時間がかかっています。',
    'error.server': '問題が発生しました。',
    'error.config': 'このウィジェットはまだ設定されていません（ストアまたはAPIのアドレスがありません）。',
    'error.rate': '試行回数が多すぎます。{seconds}秒後にもう一度お試しください。',
    'error.session': 'ログインの有効期限が切れました。ページを再読み込みして、もう一度ログインしてください。',
    'error.generic': '問題が発生しました。',
    retry: '再試行',
    loading: '読み込み中…',
  },
};

/** The first supported locale among the candidates (`ja-JP` counts as `ja`), else English. */
export function resolveLocale(...candidates: Array<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    const base = candidate?.toLowerCase().split(/[-_]/)[0];
    if (base && (locales as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

export type Params = Record<string, string | number>;

export class Translator {
  readonly locale: Locale;
  readonly #layers: Catalog[];
  readonly #plural: Intl.PluralRules;

  /** `layers` are searched first to last: merchant words, then the widget's, then the core's. */
  constructor(locale: Locale, catalogs: Catalogs[], overrides: Array<MessageOverrides | undefined> = []) {
    this.locale = locale;
    this.#plural = new Intl.PluralRules(locale);
    const all = [coreMessages, ...catalogs];
    this.#layers = [...overrides.map((o) => o?.[locale] ?? {}), ...all.map((c) => c[locale]), ...all.map((c) => c.en)];
  }

  #find(key: string): string | undefined {
    for (const layer of this.#layers) {
      const found = layer[key];
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The message for `key` with its placeholders filled. */
  t(key: string, params: Params = {}): string {
    const template = this.#find(key) ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }

  /** The plural form of `key` for `count` (`key.one`, `key.other`, ...). */
  plural(key: string, count: number, params: Params = {}): string {
    const form = `${key}.${this.#plural.select(count)}`;
    return this.t(this.#find(form) !== undefined ? form : `${key}.other`, params);
  }
}
