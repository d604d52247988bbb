/**
 * `node --import tsx server/main.ts`: the reference server on an embedded SQLite file, or on
 * PostgreSQL when DATABASE_URL is set (several processes may then share one database).
 *
 * Env: DATABASE_URL (postgres://...; wins over ENCORE_DB), DATABASE_SCHEMA (PostgreSQL schema, default
 * the user's search path), DATABASE_POOL (connections per process, default 10), ENCORE_DB (SQLite file, default ./data/encore.db),
 * ENCORE_TRUST_PROXY ('1': client IPs from X-Forwarded-For), ENCORE_SEED ('0' skips the demo store), PORT (8080),
 * HOST (0.0.0.0), ENCORE_RATE_LIMIT (per IP per minute, '0' = off), ENCORE_DEMO_SECRET, ENCORE_DEMO_ADMIN_KEY, ENCORE_ORIGINS (comma list).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { openDatabase, type Database } from './db.ts';
import { migrate } from './migrations/index.ts';
import { seedDemo } from './seed.ts';

export interface StartOptions {
  port?: number;
  host?: string;
  /** SQLite file (or ':memory:'); ignored when `databaseUrl` or DATABASE_URL is set. */
  dbFile?: string;
  /** postgres://... (default: DATABASE_URL). */
  databaseUrl?: string;
  seed?: boolean;
  logger?: boolean;
  /** Per-IP limit on /v1 calls; default from ENCORE_RATE_LIMIT (requests per minute, '0' disables) or 300/min. */
  rateLimit?: false | { max: number; timeWindow: number };
  /** Do not print the "Encore reference server on ..." line. */
  quiet?: boolean;
  /** Add routes (e.g. a demo storefront) before the server listens. */
  register?: (app: FastifyInstance, db: Database) => Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  db: Database;
  url: string;
  close: () => Promise<void>;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const port = opts.port ?? Number(process.env.PORT ?? 8080);
  const host = opts.host ?? process.env.HOST ?? '0.0.0.0';
  const databaseUrl = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined);
  const dbFile = opts.dbFile ?? process.env.ENCORE_DB ?? resolve('data', 'encore.db');
  const seed = opts.seed ?? process.env.ENCORE_SEED !== '0';

  const db = databaseUrl
    ? openDatabase(databaseUrl, {
        ...(process.env.DATABASE_SCHEMA ? { schema: process.env.DATABASE_SCHEMA } : {}),
        ...(process.env.DATABASE_POOL ? { max: Number(process.env.DATABASE_POOL) } : {}),
      })
    : openDatabase(dbFile);
  let app: FastifyInstance | undefined;
  try {
    await migrate(db);
    if (seed) await seedDemo(db);
    const envLimit = process.env.ENCORE_RATE_LIMIT;
    const rateLimit =
      opts.rateLimit ?? (envLimit === undefined || envLimit === '' ? undefined : envLimit === '0' ? false : { max: Number(envLimit), timeWindow: 60_000 });
    app = await buildApp({
      db,
      logger: opts.logger ?? false,
      trustProxy: process.env.ENCORE_TRUST_PROXY === '1',
      ...(rateLimit !== undefined && { rateLimit }),
    });
    if (opts.register) await opts.register(app, db);
    await app.listen({ port, host });
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db.destroy();
    throw err;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://localhost:${actualPort}`;
  if (!opts.quiet) console.log(`Encore reference server on ${url}`);
  let closed = false;
  return {
    app,
    db,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await db.destroy();
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const server = await startServer({ logger: process.env.ENCORE_LOG === '1' });
  const stop = (signal: string) => {
    console.log(`\n${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
