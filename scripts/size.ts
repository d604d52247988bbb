/**
 * Byte budgets of SPEC section 5, checked on the built bundle (run after `vite build`):
 * - encore.js, the loader: ≤ 10,000 bytes minified and ≤ 3 KB gzip, with no Lit inside;
 * - a page with every widget: ≤ 40 KB gzip of Encore script in total, Lit included, in each locale
 *   (a page loads the catalogues of the one locale it shows).
 * Bytes only, never times. Exits 1 when a budget is exceeded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BUNDLE_AT, locales } from '../src/core/locales.ts';

const dist = new URL('../dist/', import.meta.url).pathname;
const KB = 1024;
const budgets = { loaderMin: 10_000, loaderGzip: 3 * KB, pageGzip: 40 * KB };

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  );
}

interface Row {
  file: string;
  min: number;
  gzip: number;
  brotli: number;
}

export function measure(): Row[] {
  return files(dist).map((path) => {
    const bytes = readFileSync(path);
    return {
      file: relative(dist, path),
      min: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
}

/**
 * What a page with every widget in `locale` loads: the loader, the widget chunks (named after
 * src/widgets/<name>/), everything they import statically, and the text of that locale: with
 * BUNDLE_AT or more widgets the one-chunk catalogue (chunks/catalogs.<locale>-<hash>.js), else a
 * catalogue per widget and the core's (chunks/<widget or encore-core>.<locale>-<hash>.js).
 */
/** The per-widget catalogues of `locale` and the core's. */
function cataloguesOf(all: string[], locale: string): string[] {
  return all.filter((file) => file.startsWith('chunks/') && file.includes(`.${locale}-`) && !file.startsWith('chunks/catalogs.'));
}

function bundleOf(all: string[], locale: string): string {
  const found = all.find((file) => file.startsWith(`chunks/catalogs.${locale}-`));
  if (!found) throw new Error(`dist has no one-chunk ${locale} catalogue`);
  return found;
}

export function pageFiles(locale: string): Set<string> {
  const widgets = readdirSync(new URL('../src/widgets/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const all = files(dist).map((path) => relative(dist, path));
  const page = new Set<string>(['encore.js']);
  const text = widgets.length >= BUNDLE_AT ? [bundleOf(all, locale)] : cataloguesOf(all, locale);
  const queue = [...all.filter((file) => widgets.some((w) => file.startsWith(`chunks/${w}-`))), ...text];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (page.has(file)) continue;
    page.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    // Static imports only (`import{...}from"./x.js"` / `import"./x.js"`), not import().
    for (const m of code.matchAll(/import(?:\{[^}]*\}|\*\s*as\s*\w+|\s*\w+)?\s*(?:from)?\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)) {
      queue.push(relative(dist, join(dist, file, '..', m[1]!)));
    }
  }
  return page;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = measure();
  const loader = rows.find((r) => r.file === 'encore.js');
  if (!loader) throw new Error('dist/encore.js is missing: run vite build first');
  // A page with every widget loads the loader, each widget chunk and what those import statically
  // (the shared chunk), and its locale's catalogues; chunks loaded only on occasion (the referral
  // visit on ?ref= pages) are not counted.
  const totals = locales.map((locale) => {
    const page = pageFiles(locale);
    return rows.filter((r) => page.has(r.file)).reduce((sum, r) => ({ ...sum, min: sum.min + r.min, gzip: sum.gzip + r.gzip, brotli: sum.brotli + r.brotli }), {
      file: `all widgets on one page (${locale})`,
      min: 0,
      gzip: 0,
      brotli: 0,
    });
  });
  console.table([...rows, ...totals]);

  const failures: string[] = [];
  const loaderSource = readFileSync(join(dist, 'encore.js'), 'utf8');
  if (loader.min > budgets.loaderMin) failures.push(`encore.js is ${loader.min} B minified (budget ${budgets.loaderMin})`);
  if (loader.gzip > budgets.loaderGzip) failures.push(`encore.js is ${loader.gzip} B gzip (budget ${budgets.loaderGzip})`);
  if (/lit-html|lit-element|_\$litType\$|_\$litElement\$/.test(loaderSource)) failures.push('encore.js contains Lit');
  // The loader's rule (one chunk of text from BUNDLE_AT kinds of widget on) must never cost bytes:
  // the bundle must be smaller than the core's catalogue plus the BUNDLE_AT smallest widget ones.
  const all = rows.map((r) => r.file);
  for (const locale of locales) {
    const gzip = (file: string) => rows.find((r) => r.file === file)!.gzip;
    const [core, ...own] = cataloguesOf(all, locale).sort((a, b) => Number(!a.startsWith('chunks/encore-core.')) - Number(!b.startsWith('chunks/encore-core.')));
    const cheapest = gzip(core!) + own.map(gzip).sort((a, b) => a - b).slice(0, BUNDLE_AT).reduce((a, b) => a + b, 0);
    const bundle = gzip(bundleOf(all, locale));
    if (bundle >= cheapest) failures.push(`the one-chunk ${locale} catalogue (${bundle} B gzip) is not smaller than ${BUNDLE_AT} widget catalogues and the core's (${cheapest} B): raise BUNDLE_AT`);
  }
  for (const total of totals) if (total.gzip > budgets.pageGzip) failures.push(`${total.file} loads ${total.gzip} B gzip (budget ${budgets.pageGzip})`);
  if (failures.length) {
    console.error(`Byte budgets exceeded:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
  console.log(`Byte budgets hold: loader ${loader.min} B min / ${loader.gzip} B gzip; every widget ${totals.map((t) => `${t.gzip} B gzip`).join(' / ')} (${locales.join(' / ')}) of ${budgets.pageGzip}.`);
}
