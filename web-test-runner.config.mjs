/**
 * Browser tests for the widgets and their core: `npm run test:widgets` (or `npx wtr`).
 *
 * Tests import the TypeScript source (no build step); esbuild strips the types. The API is mocked
 * with msw's service worker, served from the installed msw so it never drifts from the library.
 * The browser context is pinned where output depends on it: English UI language, UTC time zone,
 * clipboard permission.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

// Dates in the widgets are formatted in the browser's zone: pin it (Chromium reads TZ at start).
process.env.TZ = 'UTC';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const serviceWorker = here('./node_modules/msw/lib/mockServiceWorker.js');
const WARM_UP_PATH = '/__encore-sw-warm-up';

/** Serves msw's worker script at the root, the only scope from which it can control test pages. */
function mockServiceWorker(context, next) {
  if (context.path === WARM_UP_PATH) {
    context.type = 'text/html';
    context.body = '<!doctype html><title>service worker warm-up</title>';
    return undefined;
  }
  if (context.path !== '/mockServiceWorker.js') return next();
  return readFile(serviceWorker, 'utf8').then((body) => {
    context.type = 'application/javascript';
    context.set('Cache-Control', 'no-store');
    context.body = body;
  });
}

export default {
  files: ['test/widgets/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  plugins: [esbuildPlugin({ ts: true, json: true, target: 'es2022', tsconfig: here('./tsconfig.json') })],
  middleware: [mockServiceWorker],
  // Two cores: one browser, two pages at a time (each test file gets its own page).
  concurrency: 2,
  concurrentBrowsers: 1,
  testFramework: {
    config: { timeout: 10_000, ui: 'bdd' },
  },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
          '--lang=en-US',
        ],
        env: { ...process.env, TZ: 'UTC', LANG: 'en_US.UTF-8' },
      },
      async createBrowserContext({ browser, config }) {
        const context = browser.defaultBrowserContext();
        const origin = `${config.protocol || 'http:'}//${config.hostname}:${config.port}`;
        await context.overridePermissions(origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
        // Install msw's service worker once, before any test page opens. Otherwise, in a fresh
        // profile, a page that loads while another page's registration is still activating is
        // not controlled, and msw reloads it — which the runner reports as "the page was reloaded".
        const page = await context.newPage();
        await page.goto(origin + WARM_UP_PATH);
        await page.evaluate(async () => {
          await navigator.serviceWorker.register('/mockServiceWorker.js');
          await navigator.serviceWorker.ready;
        });
        await page.close();
        return context;
      },
      async createPage({ context }) {
        // A window per test file, not a tab: with two files at a time a background tab is
        // hidden, and a hidden page runs no IntersectionObserver (widgets wait to be near the
        // viewport) and has no focus (keyboard tests).
        const page = await context.newPage({ type: 'window' });
        await page.emulateTimezone('UTC');
        return page;
      },
    }),
  ],
};
