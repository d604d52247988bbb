/**
 * The demo storefront: the pages a merchant's shop would serve, on the same Fastify instance as
 * the reference API. Like a real storefront's server, it mints the signed-in shopper's customer
 * token (and a guest order's order token) with the store's secret and renders it into the one
 * script tag or the widget; the browser never sees the secret. Its demo checkout sends the order to
 * Encore the way a merchant's backend would: through the order webhook, with the admin key.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import staticFiles from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SignJWT } from 'jose';
import type { Database } from '../server/db.ts';

export interface StorefrontOptions {
  db: Database;
  store: string;
  /** The store's current signing secret, as the merchant's server keeps it. */
  secret: string;
  /** The store's admin key, for the demo checkout's order webhook. */
  adminKey: string;
  /** The demo shopper signed in by `?customer=hana`. */
  customerId: string;
  /** The built bundle (vite build), served at /encore/. */
  distDir?: string;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * A strict Content-Security-Policy, as SPEC section 5 asks Encore to work under: no inline script,
 * no inline style, no eval, Trusted Types with only Lit's policy.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

type Lang = 'en' | 'ja';

const text = {
  en: {
    nav: 'Site',
    home: 'Demo home',
    account: 'My account',
    help: 'Help &amp; returns',
    other: '日本語',
    add: 'Add to cart',
    buy: 'Buy now (demo checkout)',
    rewards: 'Rewards',
    guest: 'Browsing as a guest',
    signedIn: 'Signed in as {name}',
    blurb: 'Chosen by our tea masters in Kyoto, packed by hand and shipped within two days.',
    thanks: 'Thank you for your order',
    orderNumber: 'Order {number}',
    rate: 'Rate what you bought',
    refer: 'Share with a friend',
    accountTitle: 'My account',
    survey: 'Tell us how we are doing',
    noOrder: 'No such order.',
    cart: 'Cart',
    helpTitle: 'Help and order status',
    galleryTitle: 'Every widget on one page',
    galleryIntro: 'All six Encore widgets for the signed-in shopper: a page to theme them side by side, and the page the six-widget budgets are measured on.',
    helpIntro: 'Something not right with your order? Look it up with its number and the e-mail, postal code or phone you ordered with, choose what to send back, and get a return number and a prepaid label.',
  },
  ja: {
    nav: 'サイト',
    home: 'デモのトップ',
    account: 'マイアカウント',
    help: 'ヘルプ・返品',
    other: 'English',
    add: 'カートに入れる',
    buy: '今すぐ購入（デモ決済）',
    rewards: 'ポイント',
    guest: 'ゲストとして閲覧中',
    signedIn: '{name}さんとしてログイン中',
    blurb: '京都の茶師が選び、手作業で梱包して2日以内に発送します。',
    thanks: 'ご注文ありがとうございます',
    orderNumber: '注文番号 {number}',
    rate: 'ご購入商品の評価',
    refer: 'お友達に紹介する',
    accountTitle: 'マイアカウント',
    survey: 'ご意見をお聞かせください',
    noOrder: 'ご注文が見つかりません。',
    cart: 'カート',
    helpTitle: 'ヘルプ・ご注文状況',
    galleryTitle: 'すべてのウィジェット',
    galleryIntro: 'ログイン中のお客様向けに、Encoreの6つのウィジェットを1ページに並べました。テーマを並べて確かめるためのページで、6ウィジェットの予算もこのページで測ります。',
    helpIntro: 'ご注文に問題がありましたか？注文番号と、ご注文時のメールアドレス・郵便番号・電話番号のいずれかで検索し、返品する商品を選ぶと、返品番号と返送ラベルをお渡しします。',
  },
} satisfies Record<Lang, Record<string, string>>;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A product picture drawn from its id, so the demo needs no image files. */
function productSvg(id: string): string {
  let hash = 0;
  for (const c of id) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" role="img">
<rect width="600" height="600" fill="hsl(${hue} 35% 88%)"/>
<circle cx="300" cy="290" r="170" fill="hsl(${hue} 40% 45%)" opacity="0.85"/>
<path d="M180 420h240l-30 70H210z" fill="hsl(${(hue + 40) % 360} 30% 30%)"/>
</svg>`;
}

interface PageContext {
  lang: Lang;
  /** The signed-in shopper, or null for a guest. */
  customer: { id: string; name: string; token: string } | null;
  /** The request's query, to build the language switch and keep the shopper signed in across links. */
  query: Record<string, string>;
  path: string;
}

export async function registerStorefront(app: FastifyInstance, options: StorefrontOptions): Promise<void> {
  const [home, css, script] = await Promise.all([
    readFile(here('./index.html'), 'utf8'),
    readFile(here('./demo.css'), 'utf8'),
    readFile(here('./demo.js'), 'utf8'),
  ]);
  const { db, store } = options;
  const key = new TextEncoder().encode(options.secret);

  /** What a storefront's server does on each page view: a short-lived token for the shopper (or an order). */
  const mint = (subject: string) =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(subject).setAudience(store).setIssuedAt().setExpirationTime('1h').sign(key);

  const send = (reply: FastifyReply, html: string) =>
    reply.header('Content-Security-Policy', CSP).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(html);

  async function context(path: string, query: Record<string, string | undefined>): Promise<PageContext> {
    const lang: Lang = query['lang'] === 'en' ? 'en' : 'ja';
    const clean = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'ref'));
    let customer: PageContext['customer'] = null;
    if (query['customer'] === 'hana') {
      const row = await db.selectFrom('customers').select(['id', 'name']).where('store_id', '=', store).where('id', '=', options.customerId).executeTakeFirst();
      if (row) customer = { ...row, token: await mint(row.id) };
    }
    return { lang, customer, query: clean, path };
  }

  const link = (ctx: PageContext, path: string, extra: Record<string, string> = {}) => {
    const q = new URLSearchParams({ ...(ctx.customer ? { customer: 'hana' } : {}), lang: ctx.lang, ...extra });
    return escapeHtml(`${path}?${q}`);
  };

  /** The page shell: the one script tag (with the shopper's token when signed in), header, main. */
  function layout(ctx: PageContext, title: string, main: string): string {
    const t = text[ctx.lang];
    const other = ctx.lang === 'en' ? 'ja' : 'en';
    const switchHref = escapeHtml(`${ctx.path}?${new URLSearchParams({ ...ctx.query, lang: other })}`);
    const token = ctx.customer ? ` data-customer-token="${escapeHtml(ctx.customer.token)}"` : '';
    const who = ctx.customer ? t.signedIn.replace('{name}', ctx.customer.name) : t.guest;
    return `<!doctype html>
<html lang="${ctx.lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} · Kiriko Tea &amp; Craft</title>
    <link rel="stylesheet" href="/demo/demo.css" />
    <!-- The one script tag (blocking="render": the widgets' space is reserved from the first paint). The storefront's server renders the shopper's token (none for a guest). This page's CSP refuses workers from data: URLs, so data-intl-worker="off". -->
    <script type="module" blocking="render" src="/encore/encore.js" data-store="${escapeHtml(store)}" data-locale="${ctx.lang}" data-intl-worker="off"${token}></script>
    <script type="module" src="/demo/demo.js"></script>
  </head>
  <body>
    <header class="site">
      <a class="brand" href="/">Kiriko Tea &amp; Craft</a>
      <nav aria-label="${t.nav}">
        <ul>
          <li><a href="/">${t.home}</a></li>
          <li><a href="${link(ctx, '/demo/account')}">${t.account}</a></li>
          <li><a href="${link(ctx, '/demo/help')}">${t.help}</a></li>
          <li><a href="${switchHref}" lang="${other}">${t.other}</a></li>
        </ul>
      </nav>
      <p class="who">${escapeHtml(who)}</p>
      <p class="cart">${t.cart}: <output data-cart-count aria-live="polite">0</output></p>
    </header>
    <main>
${main}
    </main>
  </body>
</html>`;
  }

  await app.register(staticFiles, {
    root: options.distDir ?? fileURLToPath(new URL('../dist/', import.meta.url)),
    prefix: '/encore/',
    // encore.js keeps its name across releases; chunks carry a content hash and never change.
    setHeaders(reply, path) {
      reply.header('Cache-Control', path.endsWith('encore.js') ? 'public, max-age=300' : 'public, max-age=31536000, immutable');
      reply.header('Access-Control-Allow-Origin', '*');
    },
  });

  app.get('/', (_request, reply) => send(reply, home));
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  app.get('/demo/demo.css', (_request, reply) => reply.type('text/css').send(css));
  app.get('/demo/demo.js', (_request, reply) => reply.type('text/javascript').send(script));
  app.get<{ Params: { file: string } }>('/demo/img/:file', (request, reply) => {
    const id = request.params.file.replace(/\.svg$/, '');
    reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(productSvg(id));
  });

  app.get<{ Querystring: Record<string, string> }>('/demo/product', async (request, reply) => {
    const ctx = await context('/demo/product', request.query);
    const t = text[ctx.lang];
    const wanted = request.query['product'];
    const item =
      (wanted && (await db.selectFrom('products').selectAll().where('store_id', '=', store).where('id', '=', wanted).executeTakeFirst())) ||
      (await db.selectFrom('products').selectAll().where('store_id', '=', store).where('in_stock', '=', 1).orderBy('id').executeTakeFirst());
    if (!item) return reply.code(404).send('The demo store has no products.');
    const price = new Intl.NumberFormat(ctx.lang, { style: 'currency', currency: 'JPY' }).format(item.price);
    return send(
      reply,
      layout(
        ctx,
        item.title,
        `      <div class="product">
        <img src="/demo/img/${escapeHtml(item.id)}.svg" alt="" width="600" height="600" />
        <div>
          <h1>${escapeHtml(item.title)}</h1>
          <p class="price">${escapeHtml(price)}</p>
          <p>${t.blurb}</p>
          <p class="actions">
            <button class="add" type="button" data-product="${escapeHtml(item.id)}">${t.add}</button>
            <button class="buy" type="button" data-checkout="${escapeHtml(item.id)}">${t.buy}</button>
          </p>
          <section class="widgets" aria-label="${t.rewards}">
            <encore-points-balance></encore-points-balance>
          </section>
        </div>
      </div>
      <!-- demo.js keeps exclude equal to the cart. -->
      <encore-recommendations class="recs" product="${escapeHtml(item.id)}" limit="8"></encore-recommendations>`,
      ),
    );
  });

  app.get<{ Querystring: Record<string, string> }>('/demo/account', async (request, reply) => {
    const ctx = await context('/demo/account', request.query);
    const t = text[ctx.lang];
    return send(
      reply,
      layout(
        ctx,
        t.accountTitle,
        `      <h1>${t.accountTitle}</h1>
      <div class="account">
        <section aria-label="${t.rewards}"><encore-points-balance></encore-points-balance></section>
        <section aria-label="${t.refer}"><encore-referral-share></encore-referral-share></section>
        <section aria-label="${t.survey}"><encore-nps-survey></encore-nps-survey></section>
      </div>`,
      ),
    );
  });

  app.get<{ Querystring: Record<string, string> }>('/demo/help', async (request, reply) => {
    const ctx = await context('/demo/help', request.query);
    const t = text[ctx.lang];
    return send(
      reply,
      layout(
        ctx,
        t.helpTitle,
        `      <h1>${t.helpTitle}</h1>
      <p class="note">${t.helpIntro}</p>
      <encore-returns-entry class="returns"></encore-returns-entry>`,
      ),
    );
  });

  app.get<{ Querystring: Record<string, string> }>('/demo/gallery', async (request, reply) => {
    const ctx = await context('/demo/gallery', request.query);
    const t = text[ctx.lang];
    // The rating prompt asks about the shopper's newest order, as on a thank-you page.
    const newest = ctx.customer
      ? await db.selectFrom('orders').select('id').where('store_id', '=', store).where('customer_id', '=', ctx.customer.id).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst()
      : undefined;
    const rating = newest ? `<encore-rating-prompt order="${escapeHtml(newest.id)}"></encore-rating-prompt>` : '<encore-rating-prompt></encore-rating-prompt>';
    return send(
      reply,
      layout(
        ctx,
        t.galleryTitle,
        `      <h1>${t.galleryTitle}</h1>
      <p class="note">${t.galleryIntro}</p>
      <div class="account">
        <section aria-label="${t.rewards}"><encore-points-balance></encore-points-balance></section>
        <section aria-label="${t.refer}"><encore-referral-share></encore-referral-share></section>
        <section aria-label="${t.rate}">${rating}</section>
        <section aria-label="${t.survey}"><encore-nps-survey></encore-nps-survey></section>
        <section aria-label="${t.help}"><encore-returns-entry></encore-returns-entry></section>
      </div>
      <encore-recommendations class="recs"></encore-recommendations>`,
      ),
    );
  });

  app.get<{ Querystring: Record<string, string> }>('/demo/thank-you', async (request, reply) => {
    const ctx = await context('/demo/thank-you', request.query);
    const t = text[ctx.lang];
    const order = await db
      .selectFrom('orders')
      .select(['id', 'number', 'customer_id'])
      .where('store_id', '=', store)
      .where('id', '=', request.query['order'] ?? '')
      .executeTakeFirst();
    if (!order) return send(reply.code(404), layout(ctx, t.thanks, `      <h1>${t.thanks}</h1>\n      <p>${t.noOrder}</p>`));
    // A guest's order is rated with an order token (sub = the order id) that this page renders.
    const orderToken = order.customer_id === null ? ` order-token="${escapeHtml(await mint(order.id))}"` : '';
    return send(
      reply,
      layout(
        ctx,
        t.thanks,
        `      <h1>${t.thanks}</h1>
      <p class="order-number">${escapeHtml(t.orderNumber.replace('{number}', order.number))}</p>
      <section aria-label="${t.rate}">
        <h2>${t.rate}</h2>
        <encore-rating-prompt order="${escapeHtml(order.id)}"${orderToken}></encore-rating-prompt>
      </section>
      ${ctx.customer ? `<section aria-label="${t.refer}"><h2>${t.refer}</h2><encore-referral-share></encore-referral-share></section>` : ''}
      <encore-nps-survey mode="popup" delay="1500"></encore-nps-survey>`,
      ),
    );
  });

  /**
   * The demo checkout. A real storefront's backend sends each paid order to Encore's order
   * webhook; this one does the same through the API (so it runs the same validation, points and
   * referral settlement), passing the browser's visitor id so a ?ref= visit is attributed.
   */
  app.post<{ Body: { product?: unknown; customer?: unknown; visitorId?: unknown; lang?: unknown } }>('/demo/checkout', async (request, reply) => {
    const body = request.body ?? {};
    const product = await db
      .selectFrom('products')
      .selectAll()
      .where('store_id', '=', store)
      .where('id', '=', typeof body.product === 'string' ? body.product : '')
      .executeTakeFirst();
    if (!product) return reply.code(400).send({ error: 'unknown product' });
    const signedIn = body.customer === 'hana';
    const id = `demo_${randomBytes(6).toString('hex')}`;
    const visitorId = typeof body.visitorId === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(body.visitorId) ? body.visitorId : undefined;
    const order = {
      id,
      number: `KT-${String(Date.now()).slice(-6)}`,
      ...(signedIn ? { customerId: options.customerId, email: 'hana@example.com' } : { email: `guest-${id}@example.net` }),
      currency: 'JPY',
      createdAt: new Date().toISOString(),
      items: [{ productId: product.id, title: product.title, quantity: 1, price: product.price }],
      ...(visitorId ? { referral: { visitorId } } : {}),
    };
    const res = await app.inject({
      method: 'POST',
      url: `/v1/stores/${encodeURIComponent(store)}/admin/orders`,
      headers: { authorization: `Bearer ${options.adminKey}`, 'content-type': 'application/json' },
      payload: order,
    });
    if (res.statusCode >= 300) return reply.code(502).send({ error: 'order webhook failed', status: res.statusCode, body: res.json() });
    const lang = body.lang === 'en' ? 'en' : 'ja';
    const next = new URLSearchParams({ order: id, lang, ...(signedIn ? { customer: 'hana' } : {}) });
    return { order: id, thankYou: `/demo/thank-you?${next}` };
  });

  const accountPage = (title: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/demo/demo.css"></head><body><main><h1>${title}</h1>
<p>This demo has one shopper. <a href="/demo/product?customer=hana&amp;lang=en">Continue as Hana Sato</a>.</p>
<p><a href="/">Back to the demo home</a></p></main></body></html>`;
  app.get('/account/sign-in', (_request, reply) => send(reply, accountPage('Sign in')));
  app.get('/account/register', (_request, reply) => send(reply, accountPage('Create an account')));
}
