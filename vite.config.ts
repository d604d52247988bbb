import { defineConfig, type Plugin } from 'vite';
import * as contract from './contract/schemas.ts';

/**
 * Builds what ships to a shopper: the loader `encore.js` (no Lit), one shared chunk with Lit and
 * the core (`encore-core-*.js`), and one chunk per widget, loaded only when its tag is on a page.
 * No decorators are used (reactive properties are `static properties`), so Oxc needs no lowering.
 */
const shared = /[\\/]node_modules[\\/](lit|lit-html|lit-element|@lit)[\\/]|[\\/]src[\\/]core[\\/](?!global\.ts)|[\\/]contract[\\/]/;

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

export default defineConfig({
  plugins: [contractForBrowser()],
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    target: 'es2022',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      input: { encore: 'src/encore.ts' },
      output: {
        entryFileNames: '[name].js',
        // A widget's chunk is named after its folder: chunks/points-balance-<hash>.js.
        chunkFileNames: (chunk) => `chunks/${/widgets[\\/]([^\\/]+)[\\/]/.exec(chunk.facadeModuleId ?? '')?.[1] ?? '[name]'}-[hash].js`,
        minify: true,
        codeSplitting: { groups: [{ name: 'encore-core', test: shared, includeDependenciesRecursively: false }] },
      },
    },
  },
});
