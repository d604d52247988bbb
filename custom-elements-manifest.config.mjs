/** `npm run manifest` writes custom-elements.json (tags, attributes, events, parts, CSS properties). */
export default {
  globs: ['src/widgets/**/*.ts', 'src/core/element.ts'],
  exclude: ['src/**/*.styles.ts', 'src/**/messages.ts'],
  outdir: '.',
  litelement: true,
};
