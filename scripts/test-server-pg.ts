/**
 * Runs the server suite against PostgreSQL (TEST_DATABASE_URL, default the local cluster that
 * .ci/run starts). Without a reachable server it says so and skips — unless CI is set, where a
 * missing PostgreSQL is a failure, so the CI run always covers both databases.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const url = process.env.TEST_DATABASE_URL || 'postgres://postgres:encore@127.0.0.1:5432/postgres';
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  const { rows } = await client.query<{ version: string }>('show server_version');
  console.log(`server suite on PostgreSQL ${rows[0]?.version} (${url.replace(/:[^:@/]*@/, ':***@')})`);
} catch (err) {
  const message = `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`;
  if (process.env.CI) {
    console.error(`${message}\nCI must run the server suite on both databases (.ci/run starts PostgreSQL).`);
    process.exit(1);
  }
  console.warn(`${message}\nSkipping the PostgreSQL run (set TEST_DATABASE_URL, or run .ci/run).`);
  process.exit(0);
} finally {
  await client.end().catch(() => undefined);
}

const files = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...(files.length ? files : ['test/server/'])], {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(result.status ?? 1);
