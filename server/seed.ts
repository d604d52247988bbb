/**
 * The demo store: "Kiriko Tea & Craft", a Japanese tea-and-craft shop selling in yen, with a
 * catalogue (a few items out of stock, a few final sale), 40 customers, two years of orders with
 * co-purchase patterns (the last year busy; some customers only bought in the year before, so
 * churn and lifetime value mean something), ~10% guest orders, cancellations and refunds, verified
 * reviews, NPS responses, referral codes, visits and rewarded referrals, and the points ledger
 * that all of this earns, plus a few past redemptions.
 *
 * Deterministic for a given `now` (seeded PRNGs; every date is relative to `now`), identical on
 * SQLite and PostgreSQL, idempotent (a second run does nothing), written in one transaction in
 * chunked multi-row inserts. Hana (`cus_hana`), the signed-in demo shopper, has a hand-written
 * history whose points figures the tests pin; what was added around her earns her no points.
 */
import { createHash } from 'node:crypto';
import type { Program } from '../contract/types.ts';
import type {
  Database,
  LedgerKind,
  NpsResponsesTable,
  OrderItemRow,
  OrderRow,
  PointsLedgerTable,
  RedemptionsTable,
  ReferralCodesTable,
  ReferralsTable,
  ReferralVisitsTable,
  RefundsTable,
  ReviewsTable,
} from './db.ts';
import { computeState, DAY_MS, type LedgerRow } from './loyalty.ts';
import { createStore } from './stores.ts';

export const DEMO_STORE_ID = 'demo-store';
export const DEMO_STORE_NAME = 'Kiriko Tea & Craft';
export const DEMO_CUSTOMER_ID = 'cus_hana';
export const DEMO_CUSTOMER_NAME = 'Hana Sato';
export const DEMO_CUSTOMER_EMAIL = 'hana@example.com';
export const DEMO_SECRET = process.env.ENCORE_DEMO_SECRET || 'demo-secret-do-not-use-in-production';
export const DEMO_ADMIN_KEY = process.env.ENCORE_DEMO_ADMIN_KEY || 'demo-admin-key';
export const DEMO_ORIGINS: string[] = [
  'http://localhost:8080',
  'http://127.0.0.1:8080',
  ...(process.env.ENCORE_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
/** Hana's referral code (her share link is `?ref=HANA-TEA7`); she has visits but no rewarded referral. */
export const DEMO_REFERRAL_CODE = 'HANA-TEA7';

export const DEMO_PROGRAM: Program = {
  welcomePoints: 500,
  earn: [
    { kind: 'purchase', points: 1, per: 100 },
    { kind: 'signup', points: 500 },
    { kind: 'review', points: 50 },
    { kind: 'referral', points: 1000 },
    { kind: 'birthday', points: 300 },
  ],
  tiers: [
    { id: 'bronze', name: 'Bronze', threshold: 0, perks: ['1 point for every ¥100 spent', 'Birthday bonus points'] },
    { id: 'silver', name: 'Silver', threshold: 3000, perks: ['Free shipping on orders over ¥5,000', 'Early access to seasonal teas'] },
    {
      id: 'gold',
      name: 'Gold',
      threshold: 10000,
      perks: ['Free shipping on every order', 'Complimentary gift wrapping', 'A surprise tea sample with each order'],
    },
  ],
  rewards: [
    { id: 'yen-500', kind: 'amount_off', value: 500, cost: 500, name: '¥500 off' },
    { id: 'free-shipping', kind: 'free_shipping', value: 0, cost: 300, name: 'Free shipping' },
    { id: 'yen-1000', kind: 'amount_off', value: 1000, cost: 950, name: '¥1,000 off' },
    { id: 'pct-10', kind: 'percent_off', value: 10, cost: 2500, name: '10% off your order' },
  ],
  expiryDays: 365,
};

const earnRule = (kind: string) => DEMO_PROGRAM.earn.find((r) => r.kind === kind)!;
const PURCHASE = earnRule('purchase');
const REVIEW_POINTS = earnRule('review').points;
const REFERRAL_POINTS = earnRule('referral').points;
const BIRTHDAY_POINTS = earnRule('birthday').points;
/** Referral visits stay attributed this long (also written into the store's settings). */
const REFERRAL_WINDOW_DAYS = 30;

interface DemoProduct {
  id: string;
  title: string;
  price: number;
  inStock?: boolean;
  /** Cannot be returned (perishables, limited editions). */
  finalSale?: boolean;
  /** Products often bought together with this one. */
  goesWith: string[];
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { id: 'uji-matcha', title: 'Uji Ceremonial Matcha 30g', price: 3200, goesWith: ['chasen-whisk', 'matcha-bowl', 'chashaku-scoop'] },
  { id: 'culinary-matcha', title: 'Culinary Matcha 100g', price: 1800, goesWith: ['matcha-cookies', 'chasen-whisk'] },
  { id: 'shincha-sencha', title: 'Shizuoka Shincha Sencha 100g', price: 2400, goesWith: ['tokoname-kyusu', 'yunomi-pair'] },
  { id: 'gyokuro', title: 'Yame Gyokuro 50g', price: 4200, goesWith: ['tokoname-kyusu', 'yunomi-pair', 'shincha-sencha'] },
  { id: 'hojicha', title: 'Kyoto Roasted Hojicha 100g', price: 1600, goesWith: ['genmaicha', 'matcha-cookies', 'yunomi-pair'] },
  { id: 'genmaicha', title: 'Genmaicha with Matcha 200g', price: 1400, goesWith: ['hojicha', 'tea-canister'] },
  { id: 'kabusecha', title: 'Kabusecha Shaded Green Tea 80g', price: 2800, goesWith: ['tokoname-kyusu', 'gyokuro'] },
  { id: 'wakoucha', title: 'Wakoucha Japanese Black Tea 50g', price: 2200, goesWith: ['kiriko-glass', 'wagashi-box'] },
  { id: 'sakura-sencha', title: 'Sakura Sencha (Spring Limited) 50g', price: 2600, inStock: false, finalSale: true, goesWith: ['wagashi-box', 'yunomi-pair'] },
  { id: 'chasen-whisk', title: 'Takayama Bamboo Whisk (Chasen)', price: 3800, goesWith: ['uji-matcha', 'matcha-bowl', 'chasen-holder'] },
  { id: 'chashaku-scoop', title: 'Bamboo Matcha Scoop (Chashaku)', price: 900, goesWith: ['uji-matcha', 'chasen-whisk'] },
  { id: 'chasen-holder', title: 'Ceramic Whisk Holder', price: 1500, inStock: false, goesWith: ['chasen-whisk'] },
  { id: 'matcha-bowl', title: 'Hagi-yaki Matcha Bowl', price: 7800, goesWith: ['uji-matcha', 'chasen-whisk', 'chashaku-scoop'] },
  { id: 'tokoname-kyusu', title: 'Tokoname Red Clay Kyusu Teapot', price: 9800, goesWith: ['shincha-sencha', 'gyokuro', 'yunomi-pair'] },
  { id: 'yunomi-pair', title: 'Mino-yaki Yunomi Cups (Pair)', price: 4400, goesWith: ['tokoname-kyusu', 'hojicha'] },
  { id: 'tetsubin-kettle', title: 'Nambu Tekki Cast Iron Kettle', price: 38000, goesWith: ['gyokuro', 'yunomi-pair', 'tea-canister'] },
  { id: 'tea-canister', title: 'Cherry Bark Tea Canister (Kabazaiku)', price: 6800, goesWith: ['shincha-sencha', 'genmaicha'] },
  { id: 'kiriko-glass', title: 'Edo Kiriko Cut Glass Tumbler', price: 16500, goesWith: ['kiriko-glass-pair', 'wakoucha'] },
  { id: 'kiriko-glass-pair', title: 'Edo Kiriko Sake Glasses (Pair)', price: 24000, inStock: false, goesWith: ['kiriko-glass', 'furoshiki'] },
  { id: 'furoshiki', title: 'Cotton Furoshiki Wrapping Cloth', price: 2200, goesWith: ['kiriko-glass', 'tea-canister', 'wagashi-box'] },
  { id: 'wagashi-box', title: 'Seasonal Wagashi Sweets Box', price: 3000, finalSale: true, goesWith: ['uji-matcha', 'sakura-sencha', 'hojicha'] },
  { id: 'matcha-cookies', title: 'Matcha Butter Cookies (12)', price: 1200, finalSale: true, goesWith: ['hojicha', 'culinary-matcha'] },
  { id: 'hinoki-coasters', title: 'Hinoki Cypress Coasters (Set of 4)', price: 2000, goesWith: ['yunomi-pair', 'kiriko-glass'] },
  { id: 'noren-curtain', title: 'Indigo Noren Curtain', price: 8800, goesWith: ['furoshiki', 'hinoki-coasters'] },
];
const productById = new Map(DEMO_PRODUCTS.map((p) => [p.id, p]));

/** The star average the generated reviews of a product lean towards (default 4.3). */
const LEANING: Record<string, number> = {
  'tetsubin-kettle': 4.8,
  'uji-matcha': 4.7,
  'matcha-bowl': 4.6,
  gyokuro: 4.6,
  'culinary-matcha': 3.6,
  genmaicha: 3.8,
  'matcha-cookies': 3.9,
  'noren-curtain': 3.4,
  furoshiki: 4.0,
};

export interface DemoOrderItem {
  productId: string;
  title: string;
  quantity: number;
  /** Unit price, minor units (yen). */
  price: number;
  finalSale: boolean;
}

/** An order the demo pages and end-to-end tests rely on (ids and numbers are fixed). */
export interface DemoOrderFixture {
  id: string;
  number: string;
  /** null for a guest order. */
  customerId: string | null;
  email: string;
  postalCode: string;
  phone: string;
  /** Days before the seed's `now` it was placed. */
  daysAgo: number;
  items: readonly DemoOrderItem[];
  /** Minor units. */
  total: number;
}

function fixture(order: Omit<DemoOrderFixture, 'items' | 'total'>, lines: [string, number][]): DemoOrderFixture {
  const items = lines.map(([id, quantity]) => {
    const p = productById.get(id)!;
    return { productId: id, title: p.title, quantity, price: p.price, finalSale: p.finalSale === true };
  });
  return { ...order, items, total: items.reduce((s, i) => s + i.price * i.quantity, 0) };
}

const HANA_POSTAL_CODE = '150-0041';
const HANA_PHONE = '090-1234-5678';

/**
 * A guest order placed 2 days before the seed: nothing of it is reviewed yet, so the rating prompt
 * can ask about both items with an order token (`sub` = this id).
 */
export const DEMO_GUEST_ORDER = fixture(
  { id: 'ord_demo_guest', number: 'KT-20001', customerId: null, email: 'mika.guest@example.net', postalCode: '530-0001', phone: '080-5555-0101', daysAgo: 2 },
  [
    ['uji-matcha', 1],
    ['chasen-whisk', 1],
  ],
);

/**
 * Hana's order of 9 days before the seed, inside the 30-day refund window: one returnable item
 * (hojicha) and one final-sale item (matcha cookies). Look it up with its number and her e-mail,
 * postal code or phone. She has not reviewed it.
 */
export const DEMO_RETURN_ORDER = fixture(
  { id: 'ord_demo_return', number: 'KT-20002', customerId: DEMO_CUSTOMER_ID, email: DEMO_CUSTOMER_EMAIL, postalCode: HANA_POSTAL_CODE, phone: HANA_PHONE, daysAgo: 9 },
  [
    ['hojicha', 1],
    ['matcha-cookies', 4],
  ],
);

/** Hana's order of 120 days before the seed: past the 90-day exchange and store-credit windows. */
export const DEMO_OLD_ORDER = fixture(
  { id: 'ord_demo_old', number: 'KT-20003', customerId: DEMO_CUSTOMER_ID, email: DEMO_CUSTOMER_EMAIL, postalCode: HANA_POSTAL_CODE, phone: HANA_PHONE, daysAgo: 120 },
  [
    ['gyokuro', 2],
    ['tea-canister', 1],
  ],
);

const FAMILY = ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato', 'Yoshida', 'Yamada', 'Sasaki', 'Matsumoto', 'Inoue', 'Kimura'];
const GIVEN = ['Yuki', 'Haruto', 'Aoi', 'Sota', 'Mei', 'Ren', 'Sakura', 'Daiki', 'Yui', 'Kenta', 'Rin', 'Takumi', 'Emma', 'Liam', 'Olivia', 'Noah', 'Mio', 'Riku', 'Akari', 'Kaito'];

type Lang = 'ja' | 'en';
/** Short review texts by sentiment: [title, body]. */
const REVIEW_TEXT: Record<'good' | 'fair' | 'poor', Record<Lang, [string, string][]>> = {
  good: {
    ja: [
      ['大満足', '香りがとても良く、毎朝の楽しみです。'],
      ['また買います', '丁寧な梱包で届きました。リピートします。'],
      ['贈り物に', '母へのプレゼントにしたらとても喜ばれました。'],
      ['おすすめ', '写真よりも素敵でした。'],
    ],
    en: [
      ['Love it', 'Wonderful aroma, my new morning ritual.'],
      ['Beautifully made', 'Even nicer than in the photos.'],
      ['A perfect gift', 'Bought it for my sister, she loved it.'],
      ['Will buy again', 'Arrived quickly and well packed.'],
    ],
  },
  fair: {
    ja: [
      ['まあまあ', '悪くないですが、値段相応です。'],
      ['普通です', '思ったより少し小さめでした。'],
    ],
    en: [
      ['It is fine', 'Good, but a little pricey for what it is.'],
      ['OK', 'Smaller than I expected.'],
    ],
  },
  poor: {
    ja: [
      ['残念', '期待していた味ではありませんでした。'],
      ['破損あり', '届いた時に少し欠けていました。'],
    ],
    en: [
      ['Disappointed', 'Not the flavour I was hoping for.'],
      ['Arrived damaged', 'There was a small chip when it arrived.'],
    ],
  },
};

/** NPS follow-up answers by category. */
const NPS_COMMENTS: Record<NpsResponsesTable['category'], Record<Lang, string[]>> = {
  promoter: {
    ja: ['お茶の品質が素晴らしいです。', '梱包が丁寧で、贈り物に最適です。', 'ポイントがたまるのが楽しいです。'],
    en: ['The tea is excellent.', 'Lovely packaging, perfect for gifts.', 'I enjoy collecting the points.'],
  },
  passive: {
    ja: ['送料がもう少し安いと嬉しいです。', '品揃えは良いですが、少し高めです。'],
    en: ['Shipping could be cheaper.', 'Good selection, a bit expensive.'],
  },
  detractor: {
    ja: ['配送に時間がかかりました。', '商品が説明と違いました。'],
    en: ['Delivery took too long.', 'The item was not as described.'],
  },
};

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeedCustomer {
  id: string;
  name: string;
  email: string;
  joinedAt: Date;
  postal: string;
  phone: string;
  /** How often they buy in the last year (0: not at all). */
  weight: number;
  /** Bought only in the year before the last one (churned). */
  lapsed: boolean;
}

interface Referral {
  code: string;
  referrer: SeedCustomer;
  visitId: string;
  visitorId: string;
  status: ReferralsTable['status'];
  reason: string | null;
}

interface OrderEv {
  at: Date;
  type: 'order';
  customer: SeedCustomer | null;
  email: string;
  postal: string;
  phone: string;
  items: { id: string; qty: number }[];
  total: number;
  status: 'paid' | 'cancelled';
  /** Fixed id and number (the exported fixtures); others are numbered in time order. */
  fixed?: { id: string; number: string };
  referral?: Referral;
  /** Set when a refund is planned (reviews of it lean lower). */
  refunded?: boolean;
  /** Filled in by the replay. */
  row?: OrderRow;
  points?: number;
}

type Ev =
  | { at: Date; type: 'signup'; customer: SeedCustomer }
  | OrderEv
  | { at: Date; type: 'refund'; order: OrderEv; full: boolean }
  | { at: Date; type: 'review'; order: OrderEv; productId: string; rating: number; text: { lang: Lang; title: string; body: string } | null }
  | { at: Date; type: 'birthday'; customer: SeedCustomer }
  | { at: Date; type: 'redeem'; customer: SeedCustomer; rewardId: string; optional: boolean };

export interface SeedOptions {
  now?: Date;
}

/** Seed the demo store; does nothing when it exists already. Returns true when it seeded. */
export async function seedDemo(db: Database, { now = new Date() }: SeedOptions = {}): Promise<boolean> {
  const exists = async () => (await db.selectFrom('stores').select('id').where('id', '=', DEMO_STORE_ID).executeTakeFirst()) !== undefined;
  if (await exists()) return false;

  // `rand` drives customers, Hana's dates and last year's orders (as it always has); `more` drives
  // everything added around them, so Hana's history keeps its exact timestamps.
  const rand = prng(0x5eed_7ea);
  const more = prng(0x5eed_2);
  const pick = <T>(xs: readonly T[], r = rand): T => xs[Math.floor(r() * xs.length)]!;
  const daysAgo = (d: number, hour = 12, r = rand): Date => {
    const t = new Date(now.getTime() - d * DAY_MS);
    t.setUTCHours(hour, Math.floor(r() * 60), 0, 0);
    return t;
  };
  const later = (from: Date, days: number, hour: number, r = more): Date => {
    const t = new Date(from.getTime() + days * DAY_MS);
    t.setUTCHours(hour, Math.floor(r() * 60), 0, 0);
    return t;
  };
  const rid = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(5, '0')}`;
  const orderEv = (at: Date, customer: SeedCustomer | null, contact: { email: string; postal: string; phone: string }, items: { id: string; qty: number }[]): OrderEv => ({
    at,
    type: 'order',
    customer,
    ...contact,
    items,
    total: items.reduce((s, i) => s + productById.get(i.id)!.price * i.qty, 0),
    status: 'paid',
  });
  /** 1–4 products, mostly small baskets, following the co-purchase pattern 70% of the time. */
  const basket = (r: () => number): { id: string; qty: number }[] => {
    const first = pick(DEMO_PRODUCTS, r);
    const ids = [first.id];
    const want = 1 + Math.floor(r() * r() * 4);
    for (const w of first.goesWith) if (ids.length < want && r() < 0.7) ids.push(w);
    while (ids.length < want) {
      const p = pick(DEMO_PRODUCTS, r).id;
      if (!ids.includes(p)) ids.push(p);
    }
    return ids.map((id) => ({ id, qty: productById.get(id)!.price < 2500 && r() < 0.3 ? 2 : 1 }));
  };

  // Customers: Hana first (hand-written history), then 39 generated ones.
  const hana: SeedCustomer = {
    id: DEMO_CUSTOMER_ID,
    name: DEMO_CUSTOMER_NAME,
    email: DEMO_CUSTOMER_EMAIL,
    joinedAt: daysAgo(430, 9),
    postal: HANA_POSTAL_CODE,
    phone: HANA_PHONE,
    weight: 0,
    lapsed: false,
  };
  const customers: SeedCustomer[] = [hana];
  for (let i = 1; i < 40; i++) {
    const name = `${GIVEN[(i * 7) % GIVEN.length]} ${FAMILY[(i * 5) % FAMILY.length]}`;
    customers.push({
      id: rid('cus', i),
      name,
      email: `${name.toLowerCase().replace(/ /g, '.')}${i}@example.com`,
      joinedAt: daysAgo(Math.floor(30 + rand() * 700), 8 + Math.floor(rand() * 12)),
      postal: `${100 + Math.floor(rand() * 800)}-${String(Math.floor(rand() * 10000)).padStart(4, '0')}`,
      phone: `0${pick(['70', '80', '90'])}-${String(Math.floor(rand() * 10000)).padStart(4, '0')}-${String(Math.floor(rand() * 10000)).padStart(4, '0')}`,
      // A few loyal regulars, many occasional buyers.
      weight: rand() < 0.2 ? 6 : rand() < 0.5 ? 2 : 1,
      lapsed: i % 7 === 3,
    });
  }

  const events: Ev[] = [];
  for (const c of customers) events.push({ at: c.joinedAt, type: 'signup', customer: c });

  // Hana's history (days ago → items, or a fixture). Purchase points: 1 per ¥100.
  const hanaOrders: [number, [string, number][] | DemoOrderFixture][] = [
    [425, [['hojicha', 2], ['matcha-cookies', 2]]],
    [350, [['tetsubin-kettle', 1], ['tokoname-kyusu', 1], ['gyokuro', 2]]],
    [330, [['kiriko-glass-pair', 1], ['kiriko-glass', 1]]],
    [280, [['matcha-bowl', 1], ['uji-matcha', 1], ['chasen-whisk', 1], ['chashaku-scoop', 1]]],
    [240, [['noren-curtain', 1], ['hinoki-coasters', 2], ['furoshiki', 1]]],
    [196, [['tokoname-kyusu', 1], ['shincha-sencha', 2], ['yunomi-pair', 1]]],
    [150, [['kiriko-glass', 2], ['wakoucha', 1]]],
    [DEMO_OLD_ORDER.daysAgo, DEMO_OLD_ORDER],
    [90, [['tetsubin-kettle', 1], ['yunomi-pair', 1]]],
    [61, [['kabusecha', 2], ['tea-canister', 1]]],
    [27, [['uji-matcha', 2], ['wagashi-box', 1], ['chashaku-scoop', 1]]],
    [DEMO_RETURN_ORDER.daysAgo, DEMO_RETURN_ORDER],
  ];
  const hanaOrderAt = new Map<number, OrderEv>();
  for (const [d, spec] of hanaOrders) {
    const lines = Array.isArray(spec) ? spec.map(([id, qty]) => ({ id, qty })) : spec.items.map((i) => ({ id: i.productId, qty: i.quantity }));
    const e = orderEv(daysAgo(d, 11), hana, hana, lines);
    if (!Array.isArray(spec)) e.fixed = { id: spec.id, number: spec.number };
    hanaOrderAt.set(d, e);
    events.push(e);
  }
  events.push({ at: daysAgo(340, 10), type: 'birthday', customer: hana });
  // Her three reviews (50 points each): the first item of the order a few days before each.
  const hanaReviews: [number, number, number, string, string][] = [
    [190, 196, 5, '一生ものの急須', '注ぎ口のキレが良く、煎茶がまろやかに入ります。'],
    [143, 150, 5, '光がきれい', 'カットが美しく、冷茶がいっそう美味しく感じます。'],
    [55, 61, 4, '甘みのあるお茶', '旨みがしっかり。少し値段が高めなので星4つ。'],
  ];
  for (const [d, orderDay, rating, title, body] of hanaReviews) {
    const order = hanaOrderAt.get(orderDay)!;
    events.push({ at: daysAgo(d, 21), type: 'review', order, productId: order.items[0]!.id, rating, text: { lang: 'ja', title, body } });
  }
  // Spending consumes the oldest points first, so part of the points earned ~11 months ago are left
  // to expire soon (the "expiring" notice of the demo).
  events.push({ at: daysAgo(100, 20), type: 'redeem', customer: hana, rewardId: 'yen-1000', optional: false });
  events.push({ at: daysAgo(20, 20), type: 'redeem', customer: hana, rewardId: 'yen-500', optional: false });

  const others = customers.slice(1);
  const active = others.filter((c) => !c.lapsed);
  const guestContact = (n: number) => ({
    email: `guest${n}@example.net`,
    postal: `${200 + (n % 700)}-${String(1000 + n).padStart(4, '0')}`,
    phone: `080-${String(2000 + n).padStart(4, '0')}-${String(3000 + n * 7).slice(-4)}`,
  });
  const generated: OrderEv[] = [];

  // The last year: ~290 orders from everyone but the lapsed customers, ~10% as guests.
  const totalWeight = active.reduce((s, c) => s + c.weight, 0);
  for (let n = 0; n < 290; n++) {
    const at = daysAgo(Math.floor(rand() * 365), 7 + Math.floor(rand() * 15));
    let customer: SeedCustomer | null = null;
    if (rand() >= 0.1) {
      let r = rand() * totalWeight;
      for (const c of active) {
        r -= c.weight;
        if (r <= 0) {
          customer = c;
          break;
        }
      }
      customer ??= active[active.length - 1]!;
      if (customer.joinedAt > at) customer.joinedAt = new Date(at.getTime() - DAY_MS); // joined before buying
    }
    const e = orderEv(at, customer, customer ?? guestContact(n), basket(rand));
    generated.push(e);
    if (customer && rand() < 0.12) {
      const redeemAt = new Date(at.getTime() + 2 * 3600 * 1000);
      if (redeemAt < now) events.push({ at: redeemAt, type: 'redeem', customer, rewardId: pick(['yen-500', 'free-shipping', 'yen-1000']), optional: true });
    }
  }

  // The year before: ~110 orders from the lapsed customers and half of the others.
  const veterans = others.filter((c, i) => c.lapsed || i % 2 === 0);
  for (let n = 0; n < 110; n++) {
    const at = daysAgo(366 + Math.floor(more() * 363), 7 + Math.floor(more() * 15), more);
    const customer = more() < 0.1 ? null : pick(veterans, more);
    if (customer && customer.joinedAt > at) customer.joinedAt = new Date(at.getTime() - DAY_MS);
    generated.push(orderEv(at, customer, customer ?? guestContact(1000 + n), basket(more)));
  }

  const guestOrder = orderEv(
    new Date(now.getTime() - DEMO_GUEST_ORDER.daysAgo * DAY_MS - 3 * 3600 * 1000),
    null,
    { email: DEMO_GUEST_ORDER.email, postal: DEMO_GUEST_ORDER.postalCode, phone: DEMO_GUEST_ORDER.phone },
    DEMO_GUEST_ORDER.items.map((i) => ({ id: i.productId, qty: i.quantity })),
  );
  guestOrder.fixed = { id: DEMO_GUEST_ORDER.id, number: DEMO_GUEST_ORDER.number };
  events.push(guestOrder, ...generated);

  // Cancellations (no points, no reviews), then refunds: full, or of the last line.
  for (const o of generated) if (more() < 0.015) o.status = 'cancelled';
  const live = generated.filter((o) => o.status === 'paid');
  for (const o of live) {
    if (more() >= 0.06) continue;
    const at = later(o.at, 3 + Math.floor(more() * 18), 10 + Math.floor(more() * 8));
    const full = o.items.length === 1 || more() < 0.3;
    if (at >= now) continue;
    o.refunded = true;
    events.push({ at, type: 'refund', order: o, full });
  }

  // Reviews: verified, one per order item at most, a few days to weeks after the order.
  for (const o of live) {
    for (const item of o.items) {
      if (more() >= (o.customer ? 0.4 : 0.12)) continue;
      const at = later(o.at, 4 + Math.floor(more() * 22), 8 + Math.floor(more() * 14));
      const noise = (more() + more() + more() - 1.5) * 1.8;
      const rating = Math.min(5, Math.max(1, Math.round((LEANING[item.id] ?? 4.3) + noise - (o.refunded ? 2 : 0))));
      let text: { lang: Lang; title: string; body: string } | null = null;
      if (more() < 0.45) {
        const lang: Lang = more() < 0.6 ? 'ja' : 'en';
        const [title, body] = pick(REVIEW_TEXT[rating >= 4 ? 'good' : rating === 3 ? 'fair' : 'poor'][lang], more);
        text = { lang, title, body };
      }
      if (at < now) events.push({ at, type: 'review', order: o, productId: item.id, rating, text });
    }
  }

  // Referrals: Hana and four regulars have codes. Eight customers and two guests came through a
  // link (their first order rewards the referrer); an existing customer's order through Hana's
  // link earned nothing; other visits never ordered.
  const codes: ReferralCodesTable[] = [];
  const visits: ReferralVisitsTable[] = [];
  const codeOf = new Map<SeedCustomer, { code: string; since: Date }>();
  const referrers = active.filter((c) => c.weight === 6).slice(0, 4);
  const addCode = (c: SeedCustomer, code: string, since: Date) => {
    codeOf.set(c, { code, since });
    codes.push({ store_id: DEMO_STORE_ID, customer_id: c.id, code, created_at: since.toISOString() });
  };
  addCode(hana, DEMO_REFERRAL_CODE, later(new Date(now.getTime() - 300 * DAY_MS), 0, 19));
  const codeChars = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  /** A one-time discount code in the server's ENC-XXXX-XXXX form. */
  const discountCode = (r: () => number) => `ENC-${Array.from({ length: 8 }, (_, i) => (i === 4 ? '-' : '') + codeChars[Math.floor(r() * 32)]).join('')}`;
  for (const c of referrers) {
    const suffix = Array.from({ length: 4 }, () => codeChars[Math.floor(more() * 32)]).join('');
    addCode(c, `${c.name.split(' ')[0]!.toUpperCase()}-${suffix}`, later(c.joinedAt, 3, 20));
  }
  const visit = (referrer: SeedCustomer, at: Date): { visitId: string; visitorId: string } => {
    const n = visits.length + 1;
    const visitId = rid('rvi', n);
    const visitorId = rid('vis', n);
    visits.push({
      id: visitId,
      store_id: DEMO_STORE_ID,
      code: codeOf.get(referrer)!.code,
      referrer_id: referrer.id,
      visitor_id: visitorId,
      source: createHash('sha256').update(`demo-source-${n}`).digest('hex'),
      offer_code: discountCode(more),
      created_at: at.toISOString(),
      expires_at: new Date(at.getTime() + REFERRAL_WINDOW_DAYS * DAY_MS).toISOString(),
    });
    return { visitId, visitorId };
  };
  const refer = (o: OrderEv, referrer: SeedCustomer, visitAt: Date, status: ReferralsTable['status'], reason: string | null) => {
    o.referral = { code: codeOf.get(referrer)!.code, referrer, ...visit(referrer, visitAt), status, reason };
  };
  const byTime = (a: { at: Date }, b: { at: Date }) => a.at.getTime() - b.at.getTime();
  const firstOrderOf = new Map<SeedCustomer, OrderEv>();
  for (const o of [...generated].sort(byTime)) if (o.customer && !firstOrderOf.has(o.customer)) firstOrderOf.set(o.customer, o);
  const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
  let friends = 0;
  for (const c of active) {
    const first = firstOrderOf.get(c);
    if (friends === 8 || referrers.includes(c) || !first || first.status !== 'paid' || first.at < yearAgo) continue;
    const referrer = referrers[friends % referrers.length]!;
    const visitAt = new Date(first.at.getTime() - (1 + more() * 3) * DAY_MS);
    if (visitAt <= codeOf.get(referrer)!.since) continue;
    c.joinedAt = new Date(visitAt.getTime() + 2 * 3600 * 1000); // signed up after following the link
    refer(first, referrer, visitAt, 'rewarded', null);
    friends++;
  }
  const guestFriends = live.filter((o) => !o.customer && o.at >= yearAgo).sort(byTime);
  for (const [k, o] of guestFriends.slice(-2).entries()) {
    const visitAt = new Date(o.at.getTime() - 6 * 3600 * 1000);
    if (visitAt > codeOf.get(referrers[k]!)!.since) refer(o, referrers[k]!, visitAt, 'rewarded', null);
  }
  const returning = live
    .filter((o) => o.customer && !o.referral && firstOrderOf.get(o.customer) !== o && o.at.getTime() - DAY_MS > codeOf.get(hana)!.since.getTime())
    .sort(byTime)[0];
  if (returning) refer(returning, hana, new Date(returning.at.getTime() - DAY_MS), 'rejected', 'existing_customer');
  for (const d of [160, 110, 75, 40, 12]) visit(hana, later(new Date(now.getTime() - d * DAY_MS), 0, 13));
  for (const c of referrers) {
    for (let k = 0; k < 2; k++) {
      const at = new Date(now.getTime() - Math.floor(more() * 200) * DAY_MS);
      if (at > codeOf.get(c)!.since) visit(c, at);
    }
  }

  // Signups must follow the (possibly moved) join dates.
  for (const e of events) if (e.type === 'signup') e.at = e.customer.joinedAt;
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));

  // NPS: most buyers answered, about once or twice a year (never twice within 90 days). Hana
  // answered 200 days ago, so the survey shows for her again.
  const nps: Omit<NpsResponsesTable, 'id'>[] = [];
  const answer = (c: SeedCustomer, at: Date, score: number, lang: Lang | null) => {
    const category = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
    nps.push({
      store_id: DEMO_STORE_ID,
      subject: `c:${c.id}`,
      customer_id: c.id,
      visitor_id: null,
      score,
      category,
      comment: lang === null ? null : pick(NPS_COMMENTS[category][lang], more),
      locale: lang ?? (more() < 0.6 ? 'ja' : 'en'),
      created_at: at.toISOString(),
    });
  };
  answer(hana, later(new Date(now.getTime() - 200 * DAY_MS), 0, 8), 9, 'ja');
  for (const c of others) {
    const first = firstOrderOf.get(c);
    if (!first || more() >= 0.7) continue;
    const mood = more();
    const range: [number, number] = mood < 0.55 ? [9, 10] : mood < 0.8 ? [7, 8] : [0, 6];
    for (let at = later(first.at, 7 + Math.floor(more() * 24), 9 + Math.floor(more() * 12)); at < now; at = later(at, 95 + Math.floor(more() * 110), 9 + Math.floor(more() * 12))) {
      const score = more() < 0.2 ? Math.floor(more() * 11) : range[0] + Math.floor(more() * (range[1] - range[0] + 1));
      answer(c, at, score, more() < 0.5 ? (more() < 0.6 ? 'ja' : 'en') : null);
    }
  }
  nps.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));

  // Replay the events into rows.
  const orders: OrderRow[] = [];
  const items: OrderItemRow[] = [];
  const ledger: PointsLedgerTable[] = [];
  const redemptions: RedemptionsTable[] = [];
  const refunds: RefundsTable[] = [];
  const reviews: ReviewsTable[] = [];
  const referrals: ReferralsTable[] = [];
  const byCustomer = new Map<string, LedgerRow[]>();
  let seq = 0;
  const expiry = (at: Date) => new Date(at.getTime() + DEMO_PROGRAM.expiryDays * DAY_MS).toISOString();
  const addEntry = (customerId: string, kind: LedgerKind, points: number, at: string, expiresAt: string | null, ref: string | null, note: string | null) => {
    const row: PointsLedgerTable = { id: rid('led', ++seq), store_id: DEMO_STORE_ID, customer_id: customerId, kind, points, created_at: at, expires_at: expiresAt, ref, note };
    ledger.push(row);
    const list = byCustomer.get(customerId) ?? [];
    list.push(row);
    byCustomer.set(customerId, list);
  };
  /** Settle expiry at `at` (as the server does before a debit) and return the spendable balance. */
  const settleAt = (customerId: string, at: Date): number => {
    const state = computeState(byCustomer.get(customerId) ?? [], at);
    for (const lot of state.toExpire) addEntry(customerId, 'expire', -lot.remaining, lot.expiresAt!, null, lot.id, 'Points expired');
    return state.balance - state.toExpire.reduce((s, l) => s + l.remaining, 0);
  };
  let orderNo = 10000;

  for (const e of events) {
    const at = e.at.toISOString();
    switch (e.type) {
      case 'signup':
        addEntry(e.customer.id, 'signup', DEMO_PROGRAM.welcomePoints, at, expiry(e.at), 'signup', 'Welcome bonus');
        break;
      case 'birthday':
        addEntry(e.customer.id, 'birthday', BIRTHDAY_POINTS, at, expiry(e.at), `birthday:${e.at.getUTCFullYear()}`, 'Happy birthday!');
        break;
      case 'order': {
        const id = e.fixed?.id ?? `ord_${++orderNo}`;
        const number = e.fixed?.number ?? `KT-${orderNo}`;
        for (const it of e.items) {
          const p = productById.get(it.id)!;
          items.push({ store_id: DEMO_STORE_ID, order_id: id, product_id: p.id, quantity: it.qty, price: p.price, title: p.title, final_sale: p.finalSale ? 1 : 0 });
        }
        e.row = {
          store_id: DEMO_STORE_ID,
          id,
          number,
          customer_id: e.customer?.id ?? null,
          email: e.email,
          postal_code: e.postal,
          phone: e.phone,
          total: e.total,
          currency: 'JPY',
          created_at: at,
          status: e.status,
          refunded_total: 0,
          payload_hash: null,
          referral_code: e.referral?.code ?? null,
          visitor_id: e.referral?.visitorId ?? null,
          updated_at: null,
        };
        orders.push(e.row);
        e.points = 0;
        if (e.customer && e.status === 'paid') {
          e.points = Math.floor(e.total / PURCHASE.per!) * PURCHASE.points;
          if (e.points > 0) addEntry(e.customer.id, 'purchase', e.points, at, expiry(e.at), id, `Order ${number}`);
        }
        const ref = e.referral;
        if (ref) {
          const referralId = rid('rfl', referrals.length + 1);
          const points = ref.status === 'rewarded' ? REFERRAL_POINTS : 0;
          referrals.push({
            id: referralId,
            store_id: DEMO_STORE_ID,
            referrer_id: ref.referrer.id,
            code: ref.code,
            visit_id: ref.visitId,
            order_id: id,
            friend_customer_id: e.customer?.id ?? null,
            friend_email: e.email,
            status: ref.status,
            reason: ref.reason,
            referrer_points: points,
            friend_points: 0,
            created_at: at,
          });
          if (points > 0) addEntry(ref.referrer.id, 'referral', points, at, expiry(e.at), id, "A friend's first order");
        }
        break;
      }
      case 'refund': {
        const row = e.order.row!;
        const last = e.order.items[e.order.items.length - 1]!;
        const amount = e.full ? row.total - row.refunded_total : productById.get(last.id)!.price * last.qty;
        row.refunded_total += amount;
        row.status = row.refunded_total >= row.total ? 'refunded' : 'partially_refunded';
        row.updated_at = at;
        const refundId = rid('rfd', refunds.length + 1);
        let points = 0;
        const customer = e.order.customer;
        if (customer) {
          // The earned points in proportion to the refunded amount (as the refund webhook does),
          // never more than the customer has left.
          points = Math.max(0, Math.min(Math.floor((e.order.points! * amount) / row.total), settleAt(customer.id, e.at)));
          if (points > 0) addEntry(customer.id, 'refund', -points, at, null, refundId, `Refund, order ${row.number}`);
        }
        refunds.push({ store_id: DEMO_STORE_ID, id: refundId, order_id: row.id, amount, points, reason: e.full ? 'Returned' : 'Item returned', created_at: at });
        break;
      }
      case 'review': {
        const customer = e.order.customer;
        const id = rid('rev', reviews.length + 1);
        const points = customer ? REVIEW_POINTS : 0;
        const [given, family] = (customer?.name ?? '').split(' ');
        reviews.push({
          id,
          store_id: DEMO_STORE_ID,
          product_id: e.productId,
          order_id: e.order.row!.id,
          customer_id: customer?.id ?? null,
          rating: e.rating,
          title: e.text?.title ?? null,
          body: e.text?.body ?? null,
          author: customer ? `${given} ${family![0]}.` : null,
          locale: e.text?.lang ?? null,
          verified: 1,
          points,
          created_at: at,
        });
        if (customer) addEntry(customer.id, 'review', points, at, expiry(e.at), `${e.order.row!.id}:${e.productId}`, productById.get(e.productId)!.title);
        break;
      }
      case 'redeem': {
        const reward = DEMO_PROGRAM.rewards.find((r) => r.id === e.rewardId)!;
        const spendable = settleAt(e.customer.id, e.at);
        if (spendable < reward.cost) {
          if (!e.optional) throw new Error(`seed: ${e.customer.id} cannot afford ${reward.id} at ${at}`);
          break;
        }
        const id = rid('red', redemptions.length + 1);
        redemptions.push({ id, store_id: DEMO_STORE_ID, customer_id: e.customer.id, reward_id: reward.id, points: reward.cost, code: discountCode(rand), created_at: at });
        addEntry(e.customer.id, 'redeem', -reward.cost, at, null, id, reward.name);
        break;
      }
    }
  }
  for (const c of customers) settleAt(c.id, now);

  try {
    await db.transaction().execute(async (trx) => {
      await createStore(trx as unknown as Database, {
        id: DEMO_STORE_ID,
        name: DEMO_STORE_NAME,
        currency: 'JPY',
        locale: 'ja',
        origins: DEMO_ORIGINS,
        secrets: [DEMO_SECRET],
        adminKey: DEMO_ADMIN_KEY,
        links: { signIn: '/account/sign-in', join: '/account/register' },
        messages: {},
        program: DEMO_PROGRAM,
        // The referrer earns what the program's "referral" earn rule says.
        // Shared links land on a page that loads Encore, so the friend's visit is recorded.
        settings: { referral: { referrerPoints: REFERRAL_POINTS, windowDays: REFERRAL_WINDOW_DAYS, landingUrl: '/demo/product' } },
        createdAt: daysAgo(800).toISOString(),
      });
      // Multi-row inserts of at most ~30,000 parameters (SQLite allows 32,766; PostgreSQL 65,535).
      const insert = async <T extends object>(table: Parameters<typeof trx.insertInto>[0], rows: readonly T[]) => {
        if (rows.length === 0) return;
        const size = Math.floor(30_000 / Object.keys(rows[0]!).length);
        for (let i = 0; i < rows.length; i += size) await trx.insertInto(table).values(rows.slice(i, i + size) as never).execute();
      };
      await insert(
        'customers',
        customers.map((c) => ({ store_id: DEMO_STORE_ID, id: c.id, name: c.name, email: c.email, created_at: c.joinedAt.toISOString() })),
      );
      await insert(
        'products',
        DEMO_PRODUCTS.map((p) => ({
          store_id: DEMO_STORE_ID,
          id: p.id,
          title: p.title,
          url: `/products/${p.id}`,
          image: `/demo/img/${p.id}.svg`,
          price: p.price,
          in_stock: p.inStock === false ? 0 : 1,
          final_sale: p.finalSale ? 1 : 0,
        })),
      );
      await insert('orders', orders);
      await insert('order_items', items);
      await insert('points_ledger', ledger);
      await insert('redemptions', redemptions);
      await insert('refunds', refunds);
      await insert('reviews', reviews);
      await insert('nps_responses', nps.map((r, i) => ({ id: rid('nps', i + 1), ...r })));
      await insert('referral_codes', codes);
      await insert('referral_visits', visits);
      await insert('referrals', referrals);
    });
  } catch (err) {
    // Another process seeded at the same time (several servers on one PostgreSQL database).
    if (await exists()) return false;
    throw err;
  }
  return true;
}
