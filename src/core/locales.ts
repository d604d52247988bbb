/**
 * Locales and where their text lives. Kept out of the shared chunk (like global.ts) because the
 * loader uses it too: it starts the download of a page's catalogues alongside the widget chunks,
 * so text never waits on a second round trip.
 */
export const locales = ['en', 'ja'] as const;
export type Locale = (typeof locales)[number];
/** A message is a string with `{name}` placeholders; plural forms are keys suffixed `.one`, `.other`, .... */
export type Catalog = Record<string, string>;
/** One catalogue per locale, each in its own chunk, imported when a widget first shows that locale. */
export type MessageLoaders = Record<Locale, () => Promise<{ default: Catalog }>>;

/**
 * With this many kinds of widget on a page, the loader fetches the page locale's text as one chunk
 * (src/catalogs/) instead of one per widget and one for the core. One chunk compresses better, but
 * with five small catalogues it can still be the larger download (English, measured), so the
 * threshold is six; scripts/size.ts fails the build if the bundle ever stops being the smaller.
 */
export const BUNDLE_AT = 6;

/** The messages every widget shares (errors, retry, loading, points). */
export const coreMessages: MessageLoaders = {
  en: () => import('./messages.en.json'),
  ja: () => import('./messages.ja.json'),
};

/** The first supported locale among the candidates (`ja-JP` counts as `ja`), else English. */
export function resolveLocale(...candidates: Array<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    const base = candidate?.toLowerCase().split(/[-_]/)[0];
    if (base && (locales as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}
