/** Store settings, read from the `stores` table with their JSON columns parsed. */
import { prepared, type Database, type StoreRow } from './db.ts';
import type { Program, StoreInfo } from '../contract/types.ts';
import { resolveSettings, type SettingsOverrides, type StoreSettings } from './settings.ts';

export interface Store {
  id: string;
  name: string;
  currency: string;
  locale: string;
  origins: string[];
  /** The first mints, all verify. */
  secrets: string[];
  adminKey: string;
  links: StoreInfo['links'];
  messages: StoreInfo['messages'];
  program: Program;
  /** Domain settings with defaults filled in. */
  settings: StoreSettings;
}

export function parseStore(row: StoreRow): Store {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    locale: row.locale,
    origins: JSON.parse(row.origins) as string[],
    secrets: JSON.parse(row.secrets) as string[],
    adminKey: row.admin_key,
    links: JSON.parse(row.links) as Store['links'],
    messages: JSON.parse(row.messages) as Store['messages'],
    program: JSON.parse(row.program) as Program,
    settings: resolveSettings(JSON.parse(row.settings) as SettingsOverrides),
  };
}

/** Parsed stores remembered by this process (the oldest is dropped beyond this many). */
export const PARSED_STORES_MAX = 1_000;
const parsed = new Map<string, { row: StoreRow; store: Store }>();

function sameRow(a: StoreRow, b: StoreRow): boolean {
  for (const key of Object.keys(b) as (keyof StoreRow)[]) if (a[key] !== b[key]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

/**
 * The store, read on every call (so a change made by any process, or straight in the database, is
 * seen by the next request), but parsed only when its row differs from the one parsed last: the
 * JSON columns and the settings merge cost more than the primary-key read. The parsed Store is
 * shared by the requests that read the same row, so it must be treated as immutable.
 */
const storeRow = prepared((db, a: { id: string }) => db.selectFrom('stores').selectAll().where('id', '=', a.id));

export async function findStore(db: Database, id: string): Promise<Store | undefined> {
  const [row] = await storeRow(db, { id });
  if (!row) return undefined;
  const hit = parsed.get(row.id);
  if (hit !== undefined && sameRow(hit.row, row)) return hit.store;
  const store = parseStore(row);
  parsed.delete(row.id);
  if (parsed.size >= PARSED_STORES_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(row.id, { row, store });
  return store;
}

export function storeInfo(store: Store): StoreInfo {
  return {
    id: store.id,
    name: store.name,
    currency: store.currency,
    locale: store.locale,
    links: store.links,
    messages: store.messages,
  };
}

/** A store to create: its settings as overrides of the defaults, and the messages optional. */
export interface NewStore extends Omit<Store, 'settings' | 'messages'> {
  messages?: Store['messages'];
  settings?: SettingsOverrides;
  createdAt: string;
}

/** Insert a store (used by the seed and by tests). */
export async function createStore(db: Database, s: NewStore): Promise<void> {
  await db
    .insertInto('stores')
    .values({
      id: s.id,
      name: s.name,
      currency: s.currency,
      locale: s.locale,
      origins: JSON.stringify(s.origins),
      secrets: JSON.stringify(s.secrets),
      admin_key: s.adminKey,
      links: JSON.stringify(s.links),
      messages: JSON.stringify(s.messages ?? {}),
      program: JSON.stringify(s.program),
      settings: JSON.stringify(s.settings ?? {}),
      created_at: s.createdAt,
    })
    .execute();
}
