/**
 * The configuration and the API client reach every widget through @lit/context. One provider
 * sits on the document element and follows `Encore.configure()`, so a shopper who signs in
 * without a reload gets a new client and every widget on the page updates.
 */
import { ContextProvider, createContext } from '@lit/context';
import { ApiClient } from './client.ts';
import { encoreGlobal, type EncoreConfig } from './global.ts';
import { outboxFor } from './outbox.ts';

export interface Runtime {
  readonly config: Readonly<EncoreConfig>;
  readonly client: ApiClient;
}

/** A global symbol, so copies of Encore from two bundles answer each other's requests. */
export const runtimeContext = createContext<Runtime>(Symbol.for('encore.runtime'));

export function clientFor(config: Readonly<EncoreConfig>): ApiClient {
  return new ApiClient({
    api: config.api,
    store: config.store,
    customerToken: config.customerToken,
    timeout: config.timeout,
    retries: config.retries,
  });
}

let provider: ContextProvider<typeof runtimeContext> | undefined;

/** Starts the page's provider once; later calls return the same one. */
export function provideRuntime(): ContextProvider<typeof runtimeContext> {
  if (!provider) {
    const encore = encoreGlobal();
    const runtime = (config: Readonly<EncoreConfig>): Runtime => {
      const client = clientFor(config);
      // Starts the store's outbox with the page, so answers an earlier page left are sent (and with
      // the newest token); a task after the first widget's, whose upgrade this would lengthen (its
      // first use of localStorage).
      if (config.api && config.store) setTimeout(() => outboxFor(client));
      return { config, client };
    };
    const created = new ContextProvider(document.documentElement, { context: runtimeContext, initialValue: runtime(encore.config) });
    encore.subscribe((config) => created.setValue(runtime(config)));
    provider = created;
  }
  return provider;
}
