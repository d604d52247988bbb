/** <encore-recommendations> in English. */
import type { Catalog } from '../../core/locales.ts';

export default {
  'rec.heading': 'Customers who bought this also bought',
  'rec.more': 'You may also like',
  'rec.carousel': 'carousel',
  'rec.slide': 'slide',
  'rec.of': '{n} of {m}',
  'rec.prev': 'Previous products',
  'rec.next': 'Next products',
  'rec.add': 'Add to cart',
  'rec.rating.one': 'Rated {avg} out of 5, {count} review',
  'rec.rating.other': 'Rated {avg} out of 5, {count} reviews',
  'rec.none': 'No reviews yet',
} satisfies Catalog;
