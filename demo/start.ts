/**
 * `npm start`: the reference server on its embedded SQLite database, seeded with the demo store,
 * serving the demo storefront and the built bundle (run `vite build` first; npm start does).
 */
import { pathToFileURL } from 'node:url';
import { startServer } from '../server/main.ts';
import { DEMO_ADMIN_KEY, DEMO_CUSTOMER_ID, DEMO_SECRET, DEMO_STORE_ID } from '../server/seed.ts';
import { registerStorefront } from './storefront.ts';

export interface DemoOptions {
  port?: number;
  dbFile?: string;
  quiet?: boolean;
}

export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const running = await startServer({
    port: options.port ?? Number(process.env['PORT'] ?? 8080),
    ...(options.dbFile !== undefined && { dbFile: options.dbFile }),
    seed: true,
    quiet: options.quiet ?? false,
    register: (app, db) => registerStorefront(app, { db, store: DEMO_STORE_ID, secret: DEMO_SECRET, adminKey: DEMO_ADMIN_KEY, customerId: DEMO_CUSTOMER_ID }),
  });
  return running;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await startDemo();
  console.log(`Demo storefront: ${demo.url}/  (signed in: ${demo.url}/demo/product?customer=hana&lang=ja)`);
}
