/** <encore-recommendations> in Japanese. */
import type { Catalog } from '../../core/locales.ts';

export default {
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
} satisfies Catalog;
