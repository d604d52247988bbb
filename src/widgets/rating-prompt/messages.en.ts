/** <encore-rating-prompt> in English. */
import type { Catalog } from '../../core/locales.ts';

export default {
  'rp.title': 'Rate your purchase',
  'rp.earn': 'Earn {points} per review.',
  'rp.group': '{title} rating',
  'rp.star.one': '{count} star',
  'rp.star.other': '{count} stars',
  'rp.review': 'Your review (optional)',
  'rp.submit': 'Submit',
  'rp.sending': 'Sending…',
  'rp.thanks': 'Thanks for your review!',
  'rp.earned': 'You earned {points}.',
  'rp.queued': 'Saved. We’ll send it when you’re back online.',
  'rp.empty': 'Thanks, you’ve rated everything.',
  'rp.none': 'Nothing to rate here.',
  'rp.guest': 'Sign in to rate your purchase.',
  'rp.signIn': 'Sign in',
  'rp.already': 'Some items were already rated.',
  'rp.invalid': 'Check your review and try again.',
  'rp.missing': 'No order or product to rate.',
  'rp.notFound': 'Order or product not found.',
} satisfies Catalog;
