import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minifyTemplates } from '../../scripts/minify-templates.ts';

test('collapses indentation in html and css templates, nested ones too, and nothing else', () => {
  const source = [
    "const a = 'keep\\n   this';",
    'const b = `plain\n    template`;',
    'const c = html`<div>',
    '    <span>${x ? html`<b>',
    '        yes</b>` : `no\n   change`}</span>',
    '  </div>`;',
    'const d = css`',
    '  :host {',
    '    display: block;',
    '  }`;',
    '// html`in a comment',
    '/* css` too */',
    'const e = html`<p>${"}"}${\'`\'}</p>`;',
  ].join('\n');
  const out = minifyTemplates(source);
  assert.equal(
    out,
    [
      "const a = 'keep\\n   this';",
      'const b = `plain\n    template`;',
      'const c = html`<div> <span>${x ? html`<b> yes</b>` : `no\n   change`}</span> </div>`;',
      'const d = css` :host { display: block; }`;',
      '// html`in a comment',
      '/* css` too */',
      'const e = html`<p>${"}"}${\'`\'}</p>`;',
    ].join('\n'),
  );
});

test('keeps escapes and expressions intact', () => {
  const source = 'html`a\\`b ${fn({ a: 1 }, `x`)}\n   c`';
  assert.equal(minifyTemplates(source), 'html`a\\`b ${fn({ a: 1 }, `x`)} c`');
});
