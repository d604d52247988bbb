import type { Catalogs } from '../../core/i18n.ts';

export const messages: Catalogs = {
  en: {
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
  },
  ja: {
    'rec.heading': 'この商品を買った人はこんな商品も買っています',
    'rec.more': 'おすすめの商品',
    'rec.carousel': 'カルーセル',
    'rec.slide': 'スライド',
    'rec.of': '{m}件中{n}件目',
    'rec.prev': '前の商品',
    'rec.next': '次の商品',
    'rec.add': 'カートに追加',
    'rec.rating.other': '5段階中{avg}、レビュー{count}件',
    'rec.none': 'レビューなし',
  },
};
