import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform as transformCss } from 'lightningcss';
import { minify as terser } from 'terser';
import { defineConfig, type Plugin } from 'vite';
import * as contract from './contract/schemas.ts';
import { minifyTemplates } from './scripts/minify-templates.ts';

/**
 * Builds what ships to a shopper: the loader `encore.js` (no Lit), one shared chunk with Lit and
 * the core (`encore-core-*.js`), and one chunk per widget, loaded only when its tag is on a page.
 * No decorators are used (reactive properties are `static properties`), so Oxc needs no lowering.
 */
const shared = /[\\/]node_modules[\\/](lit|lit-html|lit-element|@lit)[\\/]|[\\/]src[\\/]core[\\/](?!global\.ts|locales\.ts|places\.ts|messages\.)|[\\/]contract[\\/]/;

/** The keywords the browser's reply check reads (src/core/validate.ts); the rest is documentation. */
const checked = new Set(['type', 'enum', 'required', 'properties', 'additionalProperties', 'items', 'anyOf', 'minimum']);

function forBrowser(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forBrowser);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!checked.has(key) || (key === 'additionalProperties' && typeof value !== 'object')) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forBrowser(v)])) : forBrowser(value);
  }
  // Most objects require every property they list: `required: true` says so without repeating the
  // names (350 B gzip of the shared chunk); src/core/validate.ts reads both forms.
  const { properties, required } = out as { properties?: object; required?: string[] };
  const names = Object.keys(properties ?? {});
  if (required && names.length === required.length && names.every((name) => required.includes(name))) out['required'] = true;
  // A schema that only names a type is that name, and a choice between bare types is the list of
  // them (`['string', 'null']`): src/core/validate.ts reads both. Most of the contract's fields are
  // one or the other.
  const keys = Object.keys(out);
  if (keys.length === 1 && typeof out['type'] === 'string') return out['type'];
  if (keys.length === 1 && Array.isArray(out['anyOf']) && out['anyOf'].every((option) => typeof option === 'string')) return out['anyOf'];
  return out;
}

/** Ships the contract's schemas to the browser without descriptions, formats and patterns. */
function contractForBrowser(): Plugin {
  return {
    name: 'encore-contract-for-browser',
    load(id) {
      if (!/[\\/]contract[\\/]schemas\.ts$/.test(id)) return null;
      return Object.entries(contract)
        .map(([name, value]) => {
          const isSchema = typeof value === 'object' && ('type' in value || 'anyOf' in value);
          return `export const ${name} = ${JSON.stringify(isSchema ? forBrowser(value) : value)};`;
        })
        .join('\n');
    },
  };
}

/**
 * Vite wraps every dynamic import in its preload helper even with `modulePreload: false`
 * (vitejs/vite#18551), which made the helper 1.3 KB gzip of the 1.9 KB loader. The loader's
 * imports have no dependencies to preload (it starts the shared chunk itself), so the wrapper is
 * unwrapped to a plain `import()` and the unused helper is dropped by the minifier.
 */
function plainDynamicImports(): Plugin {
  const wrapped = /__vitePreload\(\(\) => (import\("[^"]+"\)(?:\.then\(\([^)]*\) => [^)]*\))?), __VITE_PRELOAD__, import\.meta\.url\)/g;
  return {
    name: 'encore-plain-dynamic-imports',
    enforce: 'post',
    renderChunk(code, chunk) {
      if (!code.includes('__vitePreload(')) return null;
      const out = code.replace(wrapped, '$1');
      const left = out.split('__vitePreload(').length - 1;
      if (left > 0) throw new Error(`${chunk.fileName}: ${left} dynamic import(s) still wrapped in __vitePreload`);
      return { code: out, map: null };
    },
  };
}

/**
 * The one-chunk catalogues of src/catalogs/ get their JSON inlined: imported, each catalogue would
 * be the same chunk the widget's own per-locale import loads, and the bundle would gain nothing.
 */
function inlineCatalogs(): Plugin {
  return {
    name: 'encore-inline-catalogs',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]src[\\/]catalogs[\\/]\w+\.ts$/.test(id)) return null;
      return {
        code: code.replace(/^import (\w+) from '([^']+\.json)';$/gm, (_, name: string, path: string) => {
          const file = fileURLToPath(new URL(path, pathToFileURL(id)));
          this.addWatchFile(file);
          return `const ${name} = ${readFileSync(file, 'utf8').trim()};`;
        }),
        map: null,
      };
    },
  };
}

/**
 * The oldest browsers the shipped CSS must work in (lightningcss lowers newer syntax for them):
 * Chrome/Edge 111, Safari 16.4, Firefox 115, the first with everything the widgets use.
 */
const cssTargets = { chrome: 111 << 16, safari: (16 << 16) | (4 << 8), firefox: 115 << 16 };

/** A static `css` template (no `${}`, no escapes) minified by lightningcss. */
function minifyCss(code: string, id: string): string {
  return code.replace(/\bcss`([^`$\\]*)`/g, (_, text: string) => {
    const out = transformCss({ filename: id, code: Buffer.from(text), minify: true, targets: cssTargets }).code.toString();
    return `css\`${out}\``;
  });
}

/**
 * Lit templates without their source indentation (scripts/minify-templates.ts), and static
 * stylesheets minified as CSS (about 12% of their bytes).
 */
function compactTemplates(): Plugin {
  return {
    name: 'encore-compact-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id) || !/\b(html|css|svg)`/.test(code)) return null;
      return { code: minifyCss(minifyTemplates(code), id), map: null };
    },
  };
}

/** V8's compile hint: compile every function of the file as it streams (see `postBanner` below). */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/**
 * A second pass over every minified chunk with terser: Oxc's output, compressed again over three
 * passes (safe transforms only), is 122 B gzip smaller on the Japanese page with all six widgets.
 * The compile hint stays the file's first line.
 */
function terserPass(): Plugin {
  return {
    name: 'encore-terser-pass',
    enforce: 'post',
    async generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const banner = chunk.code.startsWith(`${COMPILE_HINT}\n`) ? `${COMPILE_HINT}\n` : '';
        const out = await terser(chunk.code.slice(banner.length), { module: true, ecma: 2022, compress: { passes: 3 }, format: { comments: false } });
        chunk.code = banner + out.code!;
      }
    },
  };
}

export default defineConfig({
  plugins: [contractForBrowser(), inlineCatalogs(), compactTemplates(), plainDynamicImports(), terserPass()],
  base: './',
  publicDir: false,
  // A catalogue is imported whole (its default export); per-key named exports would only add bytes.
  json: { namedExports: false },
  build: {
    outDir: 'dist',
    target: 'es2022',
    emptyOutDir: true,
    // No preload helper in the loader (it was 1.3 KB gzip of a 1.9 KB loader): the loader starts
    // the shared chunk's download itself, alongside the widget's (src/encore.ts).
    modulePreload: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { encore: 'src/encore.ts' },
      output: {
        entryFileNames: '[name].js',
        // A widget's chunk is named after its folder (chunks/points-balance-<hash>.js), a catalogue
        // after its widget (or the core) and locale (chunks/points-balance.ja-<hash>.js).
        chunkFileNames: (chunk) => {
          const id = chunk.facadeModuleId ?? '';
          const owner = /widgets[\\/]([^\\/]+)[\\/]/.exec(id)?.[1] ?? (/[\\/]src[\\/]core[\\/]/.test(id) ? 'encore-core' : '[name]');
          const bundle = /[\\/]src[\\/]catalogs[\\/](\w+)\.ts$/.exec(id)?.[1];
          if (bundle) return `chunks/catalogs.${bundle}-[hash].js`;
          const locale = /[\\/]messages\.(\w+)\.json$/.exec(id)?.[1];
          return `chunks/${owner}${locale ? `.${locale}` : ''}-[hash].js`;
        },
        minify: true,
        // V8 compiles a function when it is first called, on the main thread. The loader and the
        // shared chunk (Lit and the core) run nearly all of their functions at a page's start, so
        // this compile hint has V8 compile them whole with the script, off the main thread where
        // the browser streams it: measured at 4× CPU, the first widget's upgrade and skeleton went
        // from 66–121 ms to 41–56 ms, the loader's own work from 20–60 ms to 12–35 ms (each costs
        // 13–46 B gzip). A widget's chunk gets it too: its first render with data calls most of
        // its functions, and compiling them there made that render the page's longest task. At 4×
        // the longest script task per load went from a median of 29–33 ms to 27–28 ms (two
        // interleaved samples of 16 and 20 loads each, thread clock), for about 22 B gzip a widget.
        postBanner: (chunk) =>
          chunk.isEntry || chunk.name === 'encore-core' || /[\\/]src[\\/]widgets[\\/]([\w-]+)[\\/]\1\.ts$/.test(chunk.facadeModuleId ?? '') ? COMPILE_HINT : '',
        codeSplitting: { groups: [{ name: 'encore-core', test: shared, includeDependenciesRecursively: false }] },
      },
    },
  },
});
