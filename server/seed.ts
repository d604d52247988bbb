/**
 * The demo store: "Kiriko Tea & Craft", a Japanese tea-and-craft shop selling in yen, with a
 * catalogue, ~40 customers, a year of orders (with co-purchase patterns), their points ledger and
 * a few past redemptions. Deterministic for a given `now` (seeded PRNG), and idempotent.
 */
import type { Program } from '../contract/types.ts';
import type { Database, LedgerKind, PointsLedgerTable } from './db.ts';
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

interface DemoProduct {
  id: string;
  title: string;
  price: number;
  inStock?: boolean;
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
  { id: 'sakura-sencha', title: 'Sakura Sencha (Spring Limited) 50g', price: 2600, inStock: false, goesWith: ['wagashi-box', 'yunomi-pair'] },
  { id: 'chasen-whisk', title: 'Takayama Bamboo Whisk (Chasen)', price: 3800, goesWith: ['uji-matcha', 'matcha-bowl', 'chasen-holder'] },
  { id: 'chashaku-scoop', title: 'Bamboo Matcha Scoop (Chashaku)', price: 900, goesWith: ['uji-matcha', 'chasen-whisk'] },
  { id: 'chasen-holder', title: 'Ceramic Whisk Holder', price: 1500, goesWith: ['chasen-whisk'] },
  { id: 'matcha-bowl', title: 'Hagi-yaki Matcha Bowl', price: 7800, goesWith: ['uji-matcha', 'chasen-whisk', 'chashaku-scoop'] },
  { id: 'tokoname-kyusu', title: 'Tokoname Red Clay Kyusu Teapot', price: 9800, goesWith: ['shincha-sencha', 'gyokuro', 'yunomi-pair'] },
  { id: 'yunomi-pair', title: 'Mino-yaki Yunomi Cups (Pair)', price: 4400, goesWith: ['tokoname-kyusu', 'hojicha'] },
  { id: 'tetsubin-kettle', title: 'Nambu Tekki Cast Iron Kettle', price: 38000, goesWith: ['gyokuro', 'yunomi-pair', 'tea-canister'] },
  { id: 'tea-canister', title: 'Cherry Bark Tea Canister (Kabazaiku)', price: 6800, goesWith: ['shincha-sencha', 'genmaicha'] },
  { id: 'kiriko-glass', title: 'Edo Kiriko Cut Glass Tumbler', price: 16500, goesWith: ['kiriko-glass-pair', 'wakoucha'] },
  { id: 'kiriko-glass-pair', title: 'Edo Kiriko Sake Glasses (Pair)', price: 24000, inStock: false, goesWith: ['kiriko-glass', 'furoshiki'] },
  { id: 'furoshiki', title: 'Cotton Furoshiki Wrapping Cloth', price: 2200, goesWith: ['kiriko-glass', 'tea-canister', 'wagashi-box'] },
  { id: 'wagashi-box', title: 'Seasonal Wagashi Sweets Box', price: 3000, goesWith: ['uji-matcha', 'sakura-sencha', 'hojicha'] },
  { id: 'matcha-cookies', title: 'Matcha Butter Cookies (12)', price: 1200, goesWith: ['hojicha', 'culinary-matcha'] },
  { id: 'hinoki-coasters', title: 'Hinoki Cypress Coasters (Set of 4)', price: 2000, goesWith: ['yunomi-pair', 'kiriko-glass'] },
  { id: 'noren-curtain', title: 'Indigo Noren Curtain', price: 8800, goesWith: ['furoshiki', 'hinoki-coasters'] },
];

const FAMILY = ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato', 'Yoshida', 'Yamada', 'Sasaki', 'Matsumoto', 'Inoue', 'Kimura'];
const GIVEN = ['Yuki', 'Haruto', 'Aoi', 'Sota', 'Mei', 'Ren', 'Sakura', 'Daiki', 'Yui', 'Kenta', 'Rin', 'Takumi', 'Emma', 'Liam', 'Olivia', 'Noah', 'Mio', 'Riku', 'Akari', 'Kaito'];

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
  weight: number;
}

type Ev =
  | { at: Date; type: 'signup'; customer: SeedCustomer }
  | { at: Date; type: 'order'; customer: SeedCustomer | null; email: string; postal: string; phone: string; items: { id: string; qty: number }[] }
  | { at: Date; type: 'review'; customer: SeedCustomer; ref: string }
  | { at: Date; type: 'birthday'; customer: SeedCustomer }
  | { at: Date; type: 'redeem'; customer: SeedCustomer; rewardId: string; optional: boolean };

export interface SeedOptions {
  now?: Date;
}

/** Seed the demo store; does nothing when it exists already. Returns true when it seeded. */
export async function seedDemo(db: Database, { now = new Date() }: SeedOptions = {}): Promise<boolean> {
  const existing = await db.selectFrom('stores').select('id').where('id', '=', DEMO_STORE_ID).executeTakeFirst();
  if (existing) return false;

  const rand = prng(0x5eed_7ea);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const daysAgo = (d: number, hour = 12): Date => {
    const t = new Date(now.getTime() - d * DAY_MS);
    t.setUTCHours(hour, Math.floor(rand() * 60), 0, 0);
    return t;
  };
  const productById = new Map(DEMO_PRODUCTS.map((p) => [p.id, p]));
  const rid = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(5, '0')}`;

  // Customers: Hana first (hand-written history), then 39 generated ones.
  const hana: SeedCustomer = {
    id: DEMO_CUSTOMER_ID,
    name: DEMO_CUSTOMER_NAME,
    email: DEMO_CUSTOMER_EMAIL,
    joinedAt: daysAgo(430, 9),
    postal: '150-0041',
    phone: '090-1234-5678',
    weight: 0,
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
    });
  }

  const events: Ev[] = [];
  for (const c of customers) events.push({ at: c.joinedAt, type: 'signup', customer: c });

  // Hana's year (days ago → items). Purchase points: 1 per ¥100.
  const hanaOrders: [number, [string, number][]][] = [
    [425, [['hojicha', 2], ['matcha-cookies', 2]]],
    [350, [['tetsubin-kettle', 1], ['tokoname-kyusu', 1], ['gyokuro', 2]]],
    [330, [['kiriko-glass-pair', 1], ['kiriko-glass', 1]]],
    [280, [['matcha-bowl', 1], ['uji-matcha', 1], ['chasen-whisk', 1], ['chashaku-scoop', 1]]],
    [240, [['noren-curtain', 1], ['hinoki-coasters', 2], ['furoshiki', 1]]],
    [196, [['tokoname-kyusu', 1], ['shincha-sencha', 2], ['yunomi-pair', 1]]],
    [150, [['kiriko-glass', 2], ['wakoucha', 1]]],
    [120, [['gyokuro', 2], ['tea-canister', 1]]],
    [90, [['tetsubin-kettle', 1], ['yunomi-pair', 1]]],
    [61, [['kabusecha', 2], ['tea-canister', 1]]],
    [27, [['uji-matcha', 2], ['wagashi-box', 1], ['chashaku-scoop', 1]]],
    [9, [['hinoki-coasters', 1], ['wakoucha', 2]]],
  ];
  for (const [d, items] of hanaOrders) {
    events.push({
      at: daysAgo(d, 11),
      type: 'order',
      customer: hana,
      email: hana.email,
      postal: hana.postal,
      phone: hana.phone,
      items: items.map(([id, qty]) => ({ id, qty })),
    });
  }
  events.push({ at: daysAgo(340, 10), type: 'birthday', customer: hana });
  for (const d of [190, 143, 55]) events.push({ at: daysAgo(d, 21), type: 'review', customer: hana, ref: '' });
  // Spending consumes the oldest points first, so part of the points earned ~11 months ago are left
  // to expire soon (the "expiring" notice of the demo).
  events.push({ at: daysAgo(100, 20), type: 'redeem', customer: hana, rewardId: 'yen-1000', optional: false });
  events.push({ at: daysAgo(20, 20), type: 'redeem', customer: hana, rewardId: 'yen-500', optional: false });

  // Everyone else: ~290 orders over the last 365 days, ~10% as guests.
  const others = customers.slice(1);
  const totalWeight = others.reduce((s, c) => s + c.weight, 0);
  const products = DEMO_PRODUCTS;
  for (let n = 0; n < 290; n++) {
    const at = daysAgo(Math.floor(rand() * 365), 7 + Math.floor(rand() * 15));
    let customer: SeedCustomer | null = null;
    if (rand() >= 0.1) {
      let r = rand() * totalWeight;
      for (const c of others) {
        r -= c.weight;
        if (r <= 0) {
          customer = c;
          break;
        }
      }
      customer ??= others[others.length - 1]!;
      if (customer.joinedAt > at) customer.joinedAt = new Date(at.getTime() - DAY_MS); // joined before buying
    }
    const first = pick(products);
    const ids = [first.id];
    const want = 1 + Math.floor(rand() * rand() * 4); // 1–4, mostly small
    for (const w of first.goesWith) if (ids.length < want && rand() < 0.7) ids.push(w);
    while (ids.length < want) {
      const p = pick(products).id;
      if (!ids.includes(p)) ids.push(p);
    }
    const guestNo = n;
    events.push({
      at,
      type: 'order',
      customer,
      email: customer?.email ?? `guest${guestNo}@example.net`,
      postal: customer?.postal ?? `${200 + (guestNo % 700)}-${String(1000 + guestNo).padStart(4, '0')}`,
      phone: customer?.phone ?? `080-${String(2000 + guestNo).padStart(4, '0')}-${String(3000 + guestNo * 7).slice(-4)}`,
      items: ids.map((id) => ({ id, qty: productById.get(id)!.price < 2500 && rand() < 0.3 ? 2 : 1 })),
    });
    if (customer && rand() < 0.2) {
      const reviewAt = new Date(at.getTime() + 7 * DAY_MS);
      if (reviewAt < now) events.push({ at: reviewAt, type: 'review', customer, ref: `pending:${n}` });
    }
    if (customer && rand() < 0.12) {
      const redeemAt = new Date(at.getTime() + 2 * 3600 * 1000);
      if (redeemAt < now) events.push({ at: redeemAt, type: 'redeem', customer, rewardId: pick(['yen-500', 'free-shipping', 'yen-1000']), optional: true });
    }
  }
  // Signups must follow the (possibly moved) join dates.
  for (const e of events) if (e.type === 'signup') e.at = e.customer.joinedAt;
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.type.localeCompare(b.type));

  // Replay the events into rows.
  const orders: { store_id: string; id: string; number: string; customer_id: string | null; email: string; postal_code: string | null; phone: string | null; total: number; currency: string; created_at: string }[] = [];
  const items: { store_id: string; order_id: string; product_id: string; quantity: number; price: number }[] = [];
  const ledger: PointsLedgerTable[] = [];
  const redemptions: { id: string; store_id: string; customer_id: string; reward_id: string; points: number; code: string; created_at: string }[] = [];
  const byCustomer = new Map<string, LedgerRow[]>();
  const lastOrderOf = new Map<string, string>();
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
  const codeChars = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const code = () => `ENC-${Array.from({ length: 8 }, (_, i) => (i === 4 ? '-' : '') + codeChars[Math.floor(rand() * 32)]).join('')}`;
  let orderNo = 10000;

  for (const e of events) {
    const at = e.at.toISOString();
    switch (e.type) {
      case 'signup':
        addEntry(e.customer.id, 'signup', DEMO_PROGRAM.welcomePoints, at, expiry(e.at), 'signup', 'Welcome bonus');
        break;
      case 'birthday':
        addEntry(e.customer.id, 'birthday', 300, at, expiry(e.at), `birthday:${e.at.getUTCFullYear()}`, 'Happy birthday!');
        break;
      case 'review': {
        const orderId = lastOrderOf.get(e.customer.id);
        if (orderId) addEntry(e.customer.id, 'review', 50, at, expiry(e.at), `review:${orderId}`, 'Thanks for your review');
        break;
      }
      case 'order': {
        const id = `ord_${++orderNo}`;
        let total = 0;
        for (const it of e.items) {
          const p = productById.get(it.id)!;
          total += p.price * it.qty;
          items.push({ store_id: DEMO_STORE_ID, order_id: id, product_id: p.id, quantity: it.qty, price: p.price });
        }
        orders.push({
          store_id: DEMO_STORE_ID,
          id,
          number: `KT-${orderNo}`,
          customer_id: e.customer?.id ?? null,
          email: e.email,
          postal_code: e.postal,
          phone: e.phone,
          total,
          currency: 'JPY',
          created_at: at,
        });
        if (e.customer) {
          lastOrderOf.set(e.customer.id, id);
          const pts = Math.floor(total / 100);
          if (pts > 0) addEntry(e.customer.id, 'purchase', pts, at, expiry(e.at), id, `Order KT-${orderNo}`);
        }
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
        redemptions.push({ id, store_id: DEMO_STORE_ID, customer_id: e.customer.id, reward_id: reward.id, points: reward.cost, code: code(), created_at: at });
        addEntry(e.customer.id, 'redeem', -reward.cost, at, null, id, reward.name);
        break;
      }
    }
  }
  for (const c of customers) settleAt(c.id, now);

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
      createdAt: daysAgo(800).toISOString(),
    });
    const chunks = async <T>(table: 'customers' | 'products' | 'orders' | 'order_items' | 'points_ledger' | 'redemptions', rows: T[]) => {
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto(table).values(rows.slice(i, i + 200) as never).execute();
    };
    await chunks(
      'customers',
      customers.map((c) => ({ store_id: DEMO_STORE_ID, id: c.id, name: c.name, email: c.email, created_at: c.joinedAt.toISOString() })),
    );
    await chunks(
      'products',
      DEMO_PRODUCTS.map((p) => ({
        store_id: DEMO_STORE_ID,
        id: p.id,
        title: p.title,
        url: `/products/${p.id}`,
        image: `/demo/img/${p.id}.svg`,
        price: p.price,
        in_stock: p.inStock === false ? 0 : 1,
      })),
    );
    await chunks('orders', orders);
    await chunks('order_items', items);
    await chunks('points_ledger', ledger);
    await chunks('redemptions', redemptions);
  });
  return true;
}
