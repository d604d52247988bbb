/**
 * Schema migrations, applied in order by Kysely's Migrator from a static provider (no folder scan,
 * so they bundle and run the same everywhere). Append new migrations; never edit an applied one.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { isSqlite } from '../db.ts';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_retention.ts';
import * as m0003 from './0003_session_indexes.ts';
import * as m0004 from './0004_customer_orders.ts';

const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_retention': m0002,
  '0003_session_indexes': m0003,
  '0004_customer_orders': m0004,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrate(db: Kysely<any>): Promise<void> {
  // On PostgreSQL, keep Kysely's own bookkeeping tables in the schema the connection works in:
  // left to itself the migrator looks them up across schemas, and sees another schema's.
  const schema = isSqlite(db) ? undefined : (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
