/** What every widget says in Japanese: errors, retry, loading, points. */
import type { Catalog } from './locales.ts';

export default {
  'points.other': '{count}ポイント',
  'error.network': 'サービスに接続できませんでした。接続を確認して、もう一度お試しください。',
  'error.timeout': 'サービスの応答に時間がかかっています。',
  'error.server': '問題が発生しました。',
  'error.config': 'このウィジェットはまだ設定されていません（ストアまたはAPIのアドレスがありません）。',
  'error.rate': '試行回数が多すぎます。{seconds}秒後にもう一度お試しください。',
  'error.session': 'ログインの有効期限が切れました。ページを再読み込みして、もう一度ログインしてください。',
  'error.generic': '問題が発生しました。',
  retry: '再試行',
  loading: '読み込み中…',
} satisfies Catalog;
