/**
 * encore.js — the one script tag a merchant pastes.
 *
 * Reads configuration from its own `<script>` element's `data-*` attributes, then defines only the
 * `encore-*` tags present on the page, importing each widget's chunk the first time its tag
 * appears (also when a single-page storefront adds one later). Holds no Lit and no widget code.
 */
import { encoreGlobal, type EncoreConfig } from './core/global.ts';
import { placeOf } from './core/places.ts';
import { BUNDLE_AT, coreMessages, resolveLocale, type Catalog, type Locale, type MessageLoaders } from './core/locales.ts';
import { messages as npsSurvey } from './widgets/nps-survey/messages.ts';
import { messages as pointsBalance } from './widgets/points-balance/messages.ts';
import { messages as ratingPrompt } from './widgets/rating-prompt/messages.ts';
import { messages as recommendations } from './widgets/recommendations/messages.ts';
import { messages as referralShare } from './widgets/referral-share/messages.ts';
import { messages as returnsEntry } from './widgets/returns-entry/messages.ts';

/**
 * Tag → the chunk with its element, its catalogues (one chunk per locale), and the block size in rem
 * it reserves until its data shows, for a signed-in shopper and for a guest: the demo store's
 * widgets as loaded in a 347 px column (measured on the benchmark's page, scripts/bench/pages.ts;
 * test/widgets/loader.test.ts checks that the loader applies them).
 */
const widgets: Record<string, [element: () => Promise<CustomElementConstructor>, messages: MessageLoaders, member: number, guest: number]> = {
  'encore-points-balance': [() => import('./widgets/points-balance/points-balance.ts').then((m) => m.EncorePointsBalance), pointsBalance, 55.875, 44.375],
  'encore-referral-share': [() => import('./widgets/referral-share/referral-share.ts').then((m) => m.EncoreReferralShare), referralShare, 36, 12.25],
  'encore-rating-prompt': [() => import('./widgets/rating-prompt/rating-prompt.ts').then((m) => m.EncoreRatingPrompt), ratingPrompt, 25.125, 6.5],
  'encore-nps-survey': [() => import('./widgets/nps-survey/nps-survey.ts').then((m) => m.EncoreNpsSurvey), npsSurvey, 15.375, 15.375],
  'encore-recommendations': [() => import('./widgets/recommendations/recommendations.ts').then((m) => m.EncoreRecommendations), recommendations, 25.9375, 25.9375],
  'encore-returns-entry': [() => import('./widgets/returns-entry/returns-entry.ts').then((m) => m.EncoreReturnsEntry), returnsEntry, 33.875, 33.875],
};

/** All of a locale's catalogues in one chunk each, for pages with many kinds of widget. */
const bundles: Record<Locale, () => Promise<{ default: Record<string, Catalog> }>> = {
  en: () => import('./catalogs/en.ts'),
  ja: () => import('./catalogs/ja.ts'),
};

const encore = encoreGlobal();

function ownScript(): HTMLScriptElement | undefined {
  const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]'));
  return scripts.find((s) => s.src === import.meta.url) ?? scripts.find((s) => s.dataset['store'] !== undefined && /encore/.test(s.src));
}

/** The script's `data-*` settings (empty ones included: the loader keeps only values). */
function configFromScript(script: HTMLScriptElement | undefined): Partial<Record<keyof EncoreConfig, string>> {
  const data = script?.dataset ?? {};
  return {
    // Without data-api, the API is assumed to live where the script came from.
    api: data['api'] || new URL('.', script?.src || import.meta.url).origin,
    store: data['store'],
    locale: data['locale'],
    customerToken: data['customerToken'],
  };
}

/** The loader's own `<script>` element. */
let script: HTMLScriptElement | undefined;

const requested = new Set<string>();

/**
 * Every widget chunk imports the shared chunk; asking for both at once saves a round trip (the
 * browser would otherwise discover the shared chunk only after the widget's arrived).
 */
let shared: Promise<typeof import('./core/define.ts')> | undefined;
const loadShared = (): Promise<typeof import('./core/define.ts')> =>
  (shared ??= import('./core/define.ts').catch((error: unknown) => {
    shared = undefined; // the next widget tries again
    throw error;
  }));

/**
 * Runs `work` in a task of its own. The core's `nextTask` (core/task.ts) does the same for widgets;
 * this copy keeps the loader's callbacks in encore.js and the widgets' in the shared chunk, so
 * long-animation-frame entries tell the loader's work from a widget's (and sharing it would move a
 * core module into the loader).
 */
const nextTask = <T>(work: () => T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(work())));

function load(el: Element): Promise<unknown> | undefined {
  const tag = el.localName;
  const widget = widgets[tag];
  if (!widget || requested.has(tag) || customElements.get(tag)) return;
  requested.add(tag);
  // The text of the locale this element will show, fetched alongside its code (the element
  // fetches any other locale itself, and a failed download here is retried there).
  const locale = resolveLocale(el.getAttribute('locale') || encore.config.locale, el.closest('[lang]')?.getAttribute('lang'));
  setTimeout(() => {
    for (const messages of [coreMessages, widget[1]]) messages[locale]().catch(() => undefined);
  });
  // Preparing the class, then defining it (which upgrades the tags on the page): each a task apart
  // from evaluating the chunks (SPEC §5).
  return Promise.all([widget[0](), loadShared()])
    .then(([element, { define, prepare }]) => nextTask(() => prepare(element)).then(() => nextTask(() => define(tag, element))))
    .catch((error: unknown) => {
      requested.delete(tag); // a later appearance of the tag tries again
      console.error(`[encore] could not load <${tag}>`, error);
    });
}

/**
 * On a page with BUNDLE_AT or more kinds of widget, the text of the page's locale comes in one
 * chunk, which compresses better than a catalogue per widget (scripts/size.ts keeps that true):
 * the core's and those widgets' loaders for that locale read from it instead.
 */
function bundleCatalogs(): void {
  const present = Object.keys(widgets).filter((tag) => document.querySelector(tag));
  if (present.length < BUNDLE_AT) return;
  const locale = resolveLocale(encore.config.locale, document.documentElement.lang);
  let bundle: Promise<{ default: Record<string, Catalog> }> | undefined;
  const fromBundle = (key: string) => async () => {
    bundle ??= bundles[locale]().catch((error: unknown) => {
      bundle = undefined; // the next render asks again
      throw error;
    });
    return { default: (await bundle).default[key]! };
  };
  coreMessages[locale] = fromBundle('core');
  for (const tag of present) widgets[tag]![1][locale] = fromBundle(tag);
}

/**
 * Keeps each widget's place from the first paint (SPEC §5, no layout shift): before its chunk has
 * run the tag is an empty inline element, so the page's own sheet gets a rule per tag, and the
 * widget keeps the same size (the element's `loading` state) until its data shows. A merchant sets
 * `--encore-reserve-block-size` on a tag to fit their layout.
 */
function reserve(): void {
  const member = !!encore.config.customerToken;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(
    Object.entries(widgets)
      .map(([tag, [, , signedIn, guest]]) => `:where(${tag}){--encore-reserve-block-size:${member ? signedIn : guest}rem}${tag}:not(:defined){display:block;min-block-size:var(--encore-reserve-block-size)}`)
      .join('') + 'encore-nps-survey[mode=popup]{--encore-reserve-block-size:0px}', // a popup takes no place
  );
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/**
 * The page's first Intl formatter of a kind makes the browser list its locales in one call of
 * 120–200 ms with the CPU slowed 4× (SPEC §5 allows Encore no task over 50 ms). That list is kept
 * per process, so a short-lived worker makes those formatters off the main thread, and widgets
 * format once it has answered. A page whose Content-Security-Policy refuses workers from `data:`
 * URLs (or requires Trusted Types) would log a refusal: `data-intl-worker="off"` on the script tag
 * skips the worker there (README), and the main thread sets Intl up itself, as without a worker.
 */
function warmIntl(): Promise<unknown> {
  // Starting a worker costs the main thread 5–33 ms with the CPU slowed 4×: a task of its own.
  return new Promise((resolve) =>
    setTimeout(() => {
      if (script?.dataset['intlWorker'] !== 'off') {
        try {
          // A date in the page's locale as the widgets write it: its patterns are loaded once per process too.
          const worker = new Worker(
            `data:text/javascript,with(Intl)new NumberFormat,new DateTimeFormat("${resolveLocale(encore.config.locale, document.documentElement.lang)}",{dateStyle:"medium"}).format(),new ListFormat;postMessage(0);close()`,
          );
          worker.onmessage = worker.onerror = resolve;
          return void setTimeout(resolve, 3000); // a worker that never answers holds no widget back for long
        } catch {
          /* refused: the main thread sets Intl up */
        }
      }
      resolve(0);
    }),
  );
}

/**
 * The size a widget took in this place last time is a better place than the default. Reading the
 * place lays the page out, so only when places are stored, and all reads before any write. It runs
 * as the next frame starts, before that frame's layout and paint (the first paint, with the script
 * tag's `blocking="render"`), in a callback of its own: the loader's start stays short (SPEC §5).
 */
function remembered(found: Element[]): void {
  try {
    if (Object.keys(localStorage).some((key) => key.startsWith('encore:place:'))) {
      const sizes = found.map((el) => localStorage.getItem(placeOf(el, !!encore.config.customerToken)));
      found.forEach((el, i) => sizes[i] && (el as HTMLElement).style.setProperty('--encore-reserve-block-size', `${sizes[i]}px`));
    }
  } catch {
    /* no storage: the default places */
  }
}

/**
 * Defines the widgets under `root`. Each `import()` costs the main thread a few milliseconds (about
 * 5 ms with the CPU slowed 4x), so each widget's imports go in an event-loop task of their own,
 * apart from the loader's start: no long task.
 */
function discover(root: ParentNode): Promise<unknown[]> {
  const found = [...(root instanceof Element ? [root] : []), ...root.querySelectorAll(':not(:defined)')].filter((el) => widgets[el.localName]);
  if (found.length) {
    encore.intl ??= warmIntl();
    requestAnimationFrame(() => remembered(found));
    setTimeout(() => loadShared().catch(() => undefined)); // in a task before the first widget's own imports
  }
  return Promise.all(found.map((el) => nextTask(() => load(el))));
}

if (!encore.loaderStarted) {
  encore.loaderStarted = true;
  script = ownScript();
  const fromScript = configFromScript(script);
  // An npm copy or an earlier configure() may already have set values: the script fills gaps only.
  const current = encore.config as unknown as Record<string, unknown>;
  const gaps = Object.fromEntries(Object.entries(fromScript).filter(([key, value]) => value && !current[key]));
  encore.configure(gaps);
  // A friend arriving through a referral link: record the visit (its own chunk, loaded only then).
  if (/[?&]ref=/.test(location.search)) import('./referral-visit.ts').catch((error: unknown) => console.error('[encore]', error));

  reserve();
  bundleCatalogs();
  void discover(document).then(() => document.dispatchEvent(new CustomEvent('encore-ready')));
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) void discover(node);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}
