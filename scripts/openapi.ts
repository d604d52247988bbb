/**
 * Write openapi.json (the committed OpenAPI 3.1 document) from the server's route schemas:
 * `node --import tsx scripts/openapi.ts` (`--check` exits 1 when the file is out of date).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { buildApp } from '../server/app.ts';
import { openDatabase } from '../server/db.ts';
import { migrate } from '../server/migrations/index.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));

export async function generateOpenapi(): Promise<string> {
  const db = openDatabase(':memory:');
  await migrate(db);
  const app = await buildApp({ db });
  await app.ready();
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  await db.destroy();
  return text;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const text = await generateOpenapi();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OPENAPI_FILE, 'utf8');
    } catch {
      /* missing */
    }
    if (current !== text) {
      console.error('openapi.json is out of date: run node --import tsx scripts/openapi.ts');
      process.exit(1);
    }
    console.log('openapi.json is up to date');
  } else {
    writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote ${OPENAPI_FILE}`);
  }
}
