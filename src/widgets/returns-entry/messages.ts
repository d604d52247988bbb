import type { MessageLoaders } from '../../core/locales.ts';

/**
 * The widget's text, one chunk per locale: a page loads only the catalogue of the locale it shows.
 * Keys with a server id in them (`rt.res.refund`, `rt.why.final_sale`, `rt.r.damaged`,
 * `rt.s.requested`) translate that id; an id the catalogue lacks is shown as the server sent it.
 */
export const messages: MessageLoaders = {
  en: () => import('./messages.en.json'),
  ja: () => import('./messages.ja.json'),
};
