/**
 * The one piece of state shared by every copy of Encore on a page: the loader, the shared chunk
 * and an npm-bundled copy all find the same object on `globalThis`, so configuring one configures
 * all, and a second copy never starts a second loader.
 */

/** A customer token, or a function that returns a fresh one (called again when one expires). */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

/** Merchant rewording: `{ ja: { 'points.other': '{count}スター' } }`. */
export type MessageOverrides = Partial<Record<string, Record<string, string>>>;

export interface EncoreConfig {
  /** Base URL of the Encore API (the reference server or the merchant's own). */
  api: string;
  /** Store id, as the server knows it. */
  store: string;
  /** Preferred locale (`en`, `ja`); empty: the page's `lang`. */
  locale: string;
  /** The signed-in shopper's token, minted by the storefront's server; empty for a guest. */
  customerToken: TokenSource | null;
  /** Text overrides per locale. */
  messages: MessageOverrides;
  /** Milliseconds before one attempt of an API call is abandoned. */
  timeout: number;
  /** Extra attempts after a failed call that may be retried. */
  retries: number;
}

export interface EncoreGlobal {
  readonly version: string;
  readonly config: Readonly<EncoreConfig>;
  /** Change configuration at run time; widgets on the page follow. */
  configure(patch: Partial<EncoreConfig>): void;
  /** Called with the new configuration after every `configure()`; returns an unsubscribe. */
  subscribe(listener: (config: Readonly<EncoreConfig>) => void): () => void;
  /** Set by the first loader that runs, so a second copy stays quiet. */
  loaderStarted?: boolean;
  /** Settles once the loader's worker has set up the browser's Intl (or could not); see encore.ts. */
  intl?: Promise<unknown>;
}

declare global {
  interface Window {
    Encore: EncoreGlobal;
  }
}

const KEY = Symbol.for('encore.global');

export function encoreGlobal(): EncoreGlobal {
  const scope = globalThis as unknown as Record<symbol, EncoreGlobal>;
  let g = scope[KEY];
  if (!g) {
    const listeners = new Set<(config: Readonly<EncoreConfig>) => void>();
    let config: Readonly<EncoreConfig> = {
      api: '',
      store: '',
      locale: '',
      customerToken: null,
      messages: {},
      timeout: 8000,
      retries: 2,
    };
    g = scope[KEY] = {
      version: '0.1.0',
      get config() {
        return config;
      },
      configure(patch) {
        config = Object.freeze({ ...config, ...patch });
        for (const listener of listeners) listener(config);
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    // Keep a merchant's own `window.Encore` (e.g. a queue set up before the script) untouched.
    (globalThis as unknown as { Encore?: EncoreGlobal }).Encore ??= g;
  }
  return g;
}
