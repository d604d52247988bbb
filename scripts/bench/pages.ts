/**
 * The pages the benchmark loads (served by ./server.ts, never by the demo):
 * - /bench/page?lang=en|ja&encore=1|0: a product page with all six widgets for the signed-in demo
 *   shopper, with the loader (encore=1) or the very same markup without it (encore=0, the baseline);
 * - /bench/compare?impl=encore|shoelace|nosto&parts=carousel|carousel,rating: recommended products
 *   as a carousel with a star rating on each card, plus (with `rating`) a 5-star input, built from
 *   the same recommendations read by Encore or by a peer's components.
 * Peers' glue scripts (/bench/glue/*.js) do what a storefront would: fetch the list, build the markup.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DEMO_RETURN_ORDER, DEMO_STORE_ID } from '../../server/seed.ts';

export interface PagesOptions {
  /** Mints the demo shopper's customer token (as a storefront's server does per page view). */
  token: () => Promise<string>;
  /** The product with 220 co-purchased products. */
  anchor: string;
}

const esc = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#222;background:#fafaf7}
header.site{display:flex;gap:1.5rem;align-items:center;padding:.75rem 1.5rem;background:#2f3b2f;color:#fff}
header.site a{color:#fff}
main{max-width:1200px;margin:0 auto;padding:1rem 1.5rem}
.product{display:grid;grid-template-columns:260px 1fr;gap:1.5rem;align-items:start}
.product img{width:260px;height:260px}
.grid{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:1rem;margin:1rem 0}
.col{display:flex;flex-direction:column;gap:1rem;min-width:0}
.col>section,.wide{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.75rem;min-width:0}
.n-track{display:grid;grid-auto-flow:column;grid-auto-columns:11rem;gap:1rem;overflow-x:auto;scroll-snap-type:x mandatory}
.n-card{scroll-snap-align:start;display:flex;flex-direction:column;gap:.25rem}
.n-card img,.s-card img{width:100%;aspect-ratio:1;height:auto}
.s-card{display:flex;flex-direction:column;gap:.25rem;width:100%}
sl-carousel{--aspect-ratio:auto;--slide-gap:1rem}
sl-carousel::part(scroll-container){min-height:24rem}
`;

const copy = {
  en: { title: 'Uji Ceremonial Matcha 30g', price: '¥3,200', blurb: 'Shade-grown first-flush tencha, stone-ground in Uji.', add: 'Add to cart', more: 'From the journal' },
  ja: { title: '宇治 濃茶用抹茶 30g', price: '￥3,200', blurb: '宇治で石臼挽きした、覆下栽培の一番茶。', add: 'カートに入れる', more: '読みもの' },
} as const;

function layout(kind: string, lang: 'en' | 'ja', title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}" data-bench="${kind}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/bench/page.css">
${head}
</head>
<body>
<header class="site"><strong>Kiriko Tea &amp; Craft</strong><a href="/bench/page">Shop</a><a href="/bench/page">Journal</a></header>
<main>
${body}
</main>
</body>
</html>`;
}

export async function registerPages(app: FastifyInstance, { token, anchor }: PagesOptions): Promise<void> {
  const html = (reply: FastifyReply, body: string) => reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(body);
  const loader = async (lang: string) =>
    `<script type="module" blocking="render" src="/encore/encore.js" data-store="${DEMO_STORE_ID}" data-locale="${lang}" data-customer-token="${esc(await token())}"></script>`;

  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  app.get('/bench/page.css', (_request, reply) => reply.type('text/css').send(CSS));
  app.get<{ Params: { file: string } }>('/demo/img/:file', (request, reply) => {
    let hash = 0;
    for (const c of request.params.file) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
    reply
      .type('image/svg+xml')
      .send(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60"><rect width="60" height="60" fill="hsl(${hash % 360} 35% 80%)"/><circle cx="30" cy="29" r="17" fill="hsl(${hash % 360} 40% 45%)"/></svg>`);
  });

  app.get<{ Querystring: { lang?: string; encore?: string } }>('/bench/page', async (request, reply) => {
    const lang = request.query.lang === 'ja' ? 'ja' : 'en';
    const t = copy[lang];
    // Everything within the widgets' 800 px "near" margin of a 900 px high viewport, so all six load:
    // three columns, the tallest widget (points) alone, so none starts lower than ~1,400 px.
    const body = `<div class="product">
<img src="/demo/img/uji-matcha.svg" alt="" width="260" height="260">
<div><h1>${esc(t.title)}</h1><p>${esc(t.price)}</p><p>${esc(t.blurb)}</p><button type="button">${esc(t.add)}</button></div>
</div>
<section class="wide"><encore-recommendations product="uji-matcha"></encore-recommendations></section>
<div class="grid">
<div class="col"><section><encore-points-balance></encore-points-balance></section></div>
<div class="col"><section><encore-rating-prompt order="${DEMO_RETURN_ORDER.id}"></encore-rating-prompt></section><section><encore-nps-survey></encore-nps-survey></section></div>
<div class="col"><section><encore-referral-share></encore-referral-share></section><section><encore-returns-entry></encore-returns-entry></section></div>
</div>
<h2>${esc(t.more)}</h2>
${'<p>Tea fields in Uji are shaded for three weeks before the first harvest, which deepens the colour and the sweetness of the leaf. The leaves are steamed, dried and stone-ground slowly so the powder never warms.</p>\n'.repeat(4)}`;
    return html(reply, layout('all', lang, t.title, request.query.encore === '0' ? '' : await loader(lang), body));
  });

  app.get<{ Querystring: { impl?: string; parts?: string } }>('/bench/compare', async (request, reply) => {
    const impl = request.query.impl ?? 'encore';
    const rating = (request.query.parts ?? 'carousel,rating').split(',').includes('rating');
    const head =
      impl === 'encore'
        ? await loader('en')
        : `<meta name="bench-token" content="${esc(await token())}"><meta name="bench-product" content="${esc(anchor)}">
${impl === 'shoelace' ? '<link rel="stylesheet" href="/peers/shoelace/themes/light.css">' : ''}
<script type="module" src="/bench/glue/${impl === 'shoelace' ? 'shoelace' : 'nosto'}.js${rating ? '?rating=1' : ''}"></script>`;
    const body =
      impl === 'encore'
        ? `<section class="wide"><encore-recommendations product="${esc(anchor)}" limit="24"></encore-recommendations></section>
${rating ? `<section class="wide"><encore-rating-prompt order="${DEMO_RETURN_ORDER.id}"></encore-rating-prompt></section>` : ''}`
        : impl === 'shoelace'
          ? `<section class="wide"><h2>Customers who bought this also bought</h2><sl-carousel navigation slides-per-page="5" slides-per-move="5"></sl-carousel></section>
${rating ? '<section class="wide"><h2>Rate what you bought</h2><sl-rating label="Bench Anchor Teapot"></sl-rating></section>' : ''}`
          : `<section class="wide"><h2>Customers who bought this also bought</h2><div class="n-track" role="region" aria-label="Recommended products"></div></section>`;
    return html(reply, layout(`compare-${impl}`, 'en', 'Compare', head, body));
  });

  // Peers' glue: what a storefront writes around them (same read, same card content).
  const fetchList = `const meta = (n) => document.querySelector('meta[name="bench-' + n + '"]').content;
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const res = await fetch('/v1/stores/${DEMO_STORE_ID}/recommendations?product=' + encodeURIComponent(meta('product')) + '&limit=24', {
  headers: { Accept: 'application/json', Authorization: 'Bearer ' + meta('token') },
});
const list = (await res.json()).products;
const money = new Intl.NumberFormat('en', { style: 'currency', currency: list[0]?.currency ?? 'JPY' });`;

  app.get('/bench/glue/shoelace.js', (_request, reply) =>
    reply.type('text/javascript').send(`import '/peers/shoelace/components/carousel/carousel.js';
import '/peers/shoelace/components/carousel-item/carousel-item.js';
import '/peers/shoelace/components/rating/rating.js';
${fetchList}
const carousel = document.querySelector('sl-carousel');
carousel.innerHTML = list.map((p) => '<sl-carousel-item><div class="s-card"><img src="' + esc(p.image) + '" alt="" width="240" height="240" loading="lazy">'
  + '<a href="' + esc(p.url) + '">' + esc(p.title) + '</a><span>' + esc(money.format(p.price)) + '</span>'
  + (p.rating.count ? '<sl-rating readonly precision="0.1" value="' + p.rating.average + '" label="Rating"></sl-rating><span>' + p.rating.average + ' (' + p.rating.count + ')</span>' : '<span>No reviews yet</span>')
  + '<button type="button">Add to cart<span hidden>: ' + esc(p.title) + '</span></button></div></sl-carousel-item>').join('');
`),
  );

  app.get('/bench/glue/nosto.js', (_request, reply) =>
    reply.type('text/javascript').send(`import '/peers/nosto/main.es.bundle.js';
${fetchList}
document.querySelector('.n-track').innerHTML = list.map((p, i) => '<nosto-product class="n-card" product-id="' + esc(p.id) + '" reco-id="bench-reco" role="group" aria-label="' + (i + 1) + ' of ' + list.length + '">'
  + '<img src="' + esc(p.image) + '" alt="" width="240" height="240" loading="lazy"><a href="' + esc(p.url) + '">' + esc(p.title) + '</a><span>' + esc(money.format(p.price)) + '</span>'
  + '<span>' + (p.rating.count ? '★ ' + p.rating.average + ' (' + p.rating.count + ')' : 'No reviews yet') + '</span>'
  + '<button type="button" n-atc>Add to cart</button></nosto-product>').join('');
`),
  );
}
