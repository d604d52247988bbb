import type { MessageLoaders } from '../../core/locales.ts';

/** The widget's text, one chunk per locale: a page loads only the catalogue of the locale it shows. */
export const messages: MessageLoaders = {
  en: () => import('./messages.en.json'),
  ja: () => import('./messages.ja.json'),
};
