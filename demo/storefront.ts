/**
 * The demo storefront: the pages a merchant's shop would serve, on the same Fastify instance as
 * the reference API. Like a real storefront's server, it mints the signed-in shopper's customer
 * token with the store's secret and renders it into the one script tag; the browser never sees
 * the secret.
 */
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

const text = {
  en: {
    nav: 'Site',
    home: 'Demo home',
    other: '日本語',
    add: 'Add to cart',
    rewards: 'Rewards',
    guest: 'Browsing as a guest',
    signedIn: 'Signed in as {name}',
    blurb: 'Hand-cut Edo kiriko glass with a first-flush sencha from Shizuoka.',
  },
  ja: {
    nav: 'サイト',
    home: 'デモのトップ',
    other: 'English',
    add: 'カートに入れる',
    rewards: 'ポイント',
    guest: 'ゲストとして閲覧中',
    signedIn: '{name}さんとしてログイン中',
    blurb: '静岡の一番茶と、手彫りの江戸切子のセット。',
  },
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
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

export async function registerStorefront(app: FastifyInstance, options: StorefrontOptions): Promise<void> {
  const [home, product] = await Promise.all([readFile(here('./index.html'), 'utf8'), readFile(here('./product.html'), 'utf8')]);
  const css = await readFile(here('./demo.css'), 'utf8');

  const page = (reply: FastifyReply, html: string) =>
    reply.header('Content-Security-Policy', CSP).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(html);

  await app.register(staticFiles, {
    root: options.distDir ?? fileURLToPath(new URL('../dist/', import.meta.url)),
    prefix: '/encore/',
    // encore.js keeps its name across releases; chunks carry a content hash and never change.
    setHeaders(reply, path) {
      reply.header('Cache-Control', path.endsWith('encore.js') ? 'public, max-age=300' : 'public, max-age=31536000, immutable');
      reply.header('Access-Control-Allow-Origin', '*');
    },
  });

  app.get('/', (_request, reply) => page(reply, home));
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  app.get('/demo/demo.css', (_request, reply) => reply.type('text/css').send(css));
  app.get<{ Params: { file: string } }>('/demo/img/:file', (request, reply) => {
    const id = request.params.file.replace(/\.svg$/, '');
    reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(productSvg(id));
  });

  app.get<{ Querystring: { customer?: string; lang?: string; product?: string } }>('/demo/product', async (request, reply) => {
    const lang = request.query.lang === 'en' ? 'en' : 'ja';
    const t = text[lang];
    const item =
      (request.query.product &&
        (await options.db.selectFrom('products').selectAll().where('store_id', '=', options.store).where('id', '=', request.query.product).executeTakeFirst())) ||
      (await options.db.selectFrom('products').selectAll().where('store_id', '=', options.store).orderBy('id').executeTakeFirst());
    if (!item) return reply.code(404).send('The demo store has no products.');

    let tokenAttribute = '';
    let who = t.guest;
    if (request.query.customer === 'hana') {
      const customer = await options.db
        .selectFrom('customers')
        .select(['id', 'name'])
        .where('store_id', '=', options.store)
        .where('id', '=', options.customerId)
        .executeTakeFirst();
      if (customer) {
        // What a storefront's server does on each page view for a signed-in shopper.
        const token = await new SignJWT({})
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setSubject(customer.id)
          .setAudience(options.store)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(options.secret));
        tokenAttribute = ` data-customer-token="${escapeHtml(token)}"`;
        who = t.signedIn.replace('{name}', customer.name);
      }
    }
    const query = new URLSearchParams(request.query as Record<string, string>);
    query.set('lang', lang === 'en' ? 'ja' : 'en');
    const price = new Intl.NumberFormat(lang, { style: 'currency', currency: 'JPY' }).format(item.price);
    return page(
      reply,
      fill(product, {
        lang,
        api: '',
        store: escapeHtml(options.store),
        tokenAttribute,
        navLabel: t.nav,
        homeLabel: t.home,
        otherLang: lang === 'en' ? 'ja' : 'en',
        otherLangHref: escapeHtml(`/demo/product?${query}`),
        otherLangLabel: t.other,
        who: escapeHtml(who),
        productId: escapeHtml(item.id),
        productTitle: escapeHtml(item.title),
        productPrice: escapeHtml(price),
        productBlurb: t.blurb,
        addLabel: t.add,
        rewardsLabel: t.rewards,
      }),
    );
  });

  const account = (title: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/demo/demo.css"></head><body><main><h1>${title}</h1>
<p>This demo has one shopper. <a href="/demo/product?customer=hana&amp;lang=en">Continue as Hana Sato</a>.</p>
<p><a href="/">Back to the demo home</a></p></main></body></html>`;
  app.get('/account/sign-in', (_request, reply) => page(reply, account('Sign in')));
  app.get('/account/register', (_request, reply) => page(reply, account('Create an account')));
}
