/**
 * English and Japanese text. Each widget brings its own catalogues and the core holds the few
 * messages every widget shares; every catalogue is a chunk of its own per locale (locales.ts), so a
 * page downloads only the language it shows. A message is a string with `{name}` placeholders;
 * plural forms are separate keys suffixed with the `Intl.PluralRules` category (`.one`, `.other`).
 * Merchants reword any key per locale (`Encore.configure({ messages: { ja: {...} } })` or the
 * store's settings on the server), and their words win.
 */
import type { Catalog, Locale, MessageLoaders } from './locales.ts';

export { coreMessages, locales, resolveLocale, type Catalog, type Locale, type MessageLoaders } from './locales.ts';

const loaded = new Map<() => Promise<{ default: Catalog }>, Catalog>();

/** The catalogue of `locale` among `loaders`, once it has arrived. */
export function catalog(loaders: MessageLoaders, locale: Locale): Catalog | undefined {
  return loaded.get(loaders[locale]);
}

/**
 * Fetches the catalogues of `locale` that have not arrived yet; undefined when none is missing.
 * A catalogue that fails to load is not remembered, so the next render asks again.
 */
export function loadCatalogs(locale: Locale, sources: MessageLoaders[]): Promise<void> | undefined {
  const missing = sources.map((loaders) => loaders[locale]).filter((load) => !loaded.has(load));
  if (missing.length === 0) return undefined;
  return Promise.all(missing.map(async (load) => loaded.set(load, (await load()).default))).then(
    () => undefined,
    (error: unknown) => console.error(`[encore] could not load the ${locale} messages`, error),
  );
}

export type Params = Record<string, string | number>;

export class Translator {
  readonly locale: Locale;
  readonly #layers: Catalog[];
  readonly #plural: Intl.PluralRules;

  /** `layers` are searched first to last (merchant words, then the widget's, then the core's). */
  constructor(locale: Locale, layers: Catalog[]) {
    this.locale = locale;
    this.#plural = new Intl.PluralRules(locale);
    this.#layers = layers;
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
