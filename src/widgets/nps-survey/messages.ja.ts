/** <encore-nps-survey> in Japanese. */
import type { Catalog } from '../../core/locales.ts';

export default {
  'nps.q': '当店を友人や同僚にすすめる可能性はどのくらいありますか？',
  'nps.lo': 'まったくすすめない',
  'nps.hi': 'ぜひすすめたい',
  'nps.detractor': '改善すべき点を教えてください。',
  'nps.passive': 'もっと良くするために、できることはありますか？',
  'nps.promoter': '特に気に入っている点を教えてください。',
  'nps.optional': '（任意）',
  'nps.send': '送信',
  'nps.close': '閉じる',
  'nps.thanks': 'ご意見ありがとうございました！',
  'nps.already': '最近すでにご回答いただいています。',
  'nps.queued': '回答を保存しました。できるだけ早く送信します。',
  'nps.invite': 'お友達にもおすすめしませんか？',
  'nps.refer': 'お友達を紹介する',
  'nps.join': 'アカウントを作成してお友達を紹介',
} satisfies Catalog;
