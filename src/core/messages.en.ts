/** What every widget says in English: errors, retry, loading, points. */
import type { Catalog } from './locales.ts';

export default {
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
} satisfies Catalog;
