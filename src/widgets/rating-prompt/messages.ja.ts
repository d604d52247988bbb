/** <encore-rating-prompt> in Japanese. */
import type { Catalog } from '../../core/locales.ts';

export default {
  'rp.title': 'ご購入商品の評価',
  'rp.earn': 'レビュー1件につき{points}進呈',
  'rp.group': '{title}の評価',
  'rp.star.other': '星{count}つ',
  'rp.review': 'レビュー（任意）',
  'rp.submit': '送信する',
  'rp.sending': '送信中…',
  'rp.thanks': 'レビューありがとうございました！',
  'rp.earned': '{points}を獲得しました。',
  'rp.queued': '保存しました。オンラインに戻ったら送信します。',
  'rp.empty': 'すべて評価済みです。ありがとうございました。',
  'rp.none': '評価できる商品はありません。',
  'rp.guest': 'ログインしてご購入商品を評価してください。',
  'rp.signIn': 'ログイン',
  'rp.already': '一部の商品は評価済みでした。',
  'rp.invalid': 'レビューを確認して、もう一度お試しください。',
  'rp.missing': '評価する注文または商品がありません。',
  'rp.notFound': '注文または商品が見つかりません。',
} satisfies Catalog;
