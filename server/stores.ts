/** Store settings, read from the `stores` table with their JSON columns parsed. */
import type { Database, StoreRow } from './db.ts';
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

export async function findStore(db: Database, id: string): Promise<Store | undefined> {
  const row = await db.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? parseStore(row) : undefined;
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
