/** The shared core: configuration, client, outbox, context, text, formatting, styles, registration. */
export { ApiClient, idempotencyKey, type ClientOptions, type ReadOptions, type RequestOptions, type WriteOptions } from './client.ts';
export { clientFor, provideRuntime, runtimeContext, type Runtime } from './context.ts';
export { define } from './define.ts';
export { EncoreElement } from './element.ts';
export { ApiError, type ApiErrorKind, type ProblemDetails } from './errors.ts';
export { Formatter } from './format.ts';
export { Outbox, outboxFor, type Delivery, type Outgoing, type OutboxEntry, type OutboxOptions, type Queued } from './outbox.ts';
export { encoreGlobal, type EncoreConfig, type EncoreGlobal, type MessageOverrides, type TokenSource } from './global.ts';
export { catalog, coreMessages, loadCatalogs, resolveLocale, Translator, type Catalog, type Locale, type MessageLoaders } from './i18n.ts';
export { baseStyles } from './styles.ts';
export { pageSession } from './session.ts';
export { mismatch, type Schema } from './validate.ts';
export { visitorId } from './visitor.ts';
