/**
 * Collapses the indentation inside Lit's `html`, `css` and `svg` tagged templates at build time:
 * every run of whitespace that contains a line break becomes one space. HTML and CSS read the
 * same (a line break between tags already renders as one space), and each widget chunk loses its
 * source indentation. Expressions (`${...}`) are copied untouched, except templates nested in
 * them, which are collapsed in turn. Used by vite.config.ts; tested in test/server/minify-templates.test.ts.
 */
const TAG = /\b(?:html|css|svg)\s*$/;

export function minifyTemplates(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '`') {
      const tagged = TAG.test(source.slice(Math.max(0, i - 8), i));
      const end = template(source, i, tagged);
      out += end.text;
      i = end.next;
      continue;
    }
    const skipped = skipNonCode(source, i);
    if (skipped > i) {
      out += source.slice(i, skipped);
      i = skipped;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Strings and comments outside templates are copied as they are. */
function skipNonCode(s: string, i: number): number {
  const c = s[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (c === '/' && s[i + 1] === '/') {
    const j = s.indexOf('\n', i);
    return j === -1 ? s.length : j;
  }
  if (c === '/' && s[i + 1] === '*') {
    const j = s.indexOf('*/', i + 2);
    return j === -1 ? s.length : j + 2;
  }
  return i;
}

/** A template literal starting at the backtick at `start`. */
function template(s: string, start: number, collapse: boolean): { text: string; next: number } {
  let text = '`';
  let chunk = '';
  let i = start + 1;
  const flush = () => {
    text += collapse ? chunk.replace(/[ \t\r]*\n\s*/g, ' ') : chunk;
    chunk = '';
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      chunk += s.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '`') {
      flush();
      return { text: text + '`', next: i + 1 };
    }
    if (c === '$' && s[i + 1] === '{') {
      flush();
      const expr = expression(s, i + 2);
      text += '${' + expr.text + '}';
      i = expr.next;
      continue;
    }
    chunk += c;
    i++;
  }
  throw new Error('unterminated template literal');
}

/** The expression inside `${ ... }`, up to its closing brace. */
function expression(s: string, start: number): { text: string; next: number } {
  let text = '';
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '`') {
      const tagged = TAG.test(text.slice(-8));
      const inner = template(s, i, tagged);
      text += inner.text;
      i = inner.next;
      continue;
    }
    const skipped = skipNonCode(s, i);
    if (skipped > i) {
      text += s.slice(i, skipped);
      i = skipped;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (depth === 0) return { text, next: i + 1 };
      depth--;
    }
    text += c;
    i++;
  }
  throw new Error('unterminated template expression');
}
