/** What the end-to-end files share: Debian's Chromium, and a page that records what went wrong. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Opens `url` in a new page of `where` (a browser gets an English, UTC page). `problems` collects
 * page errors and console errors (CSP violations among them); tests assert it stays empty.
 */
export async function open(where: Browser | BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = 'newContext' in where ? await where.newPage({ locale: 'en-US', timezoneId: 'UTC' }) : await where.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}
