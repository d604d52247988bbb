/**
 * Registers a custom element once. Including Encore twice (two script tags, or the script plus
 * the npm package) must not throw: the same class is skipped quietly, another class under the
 * same tag (another copy or version of Encore) is skipped with a warning, and the first one wins.
 */
export function define(tag: string, element: CustomElementConstructor, registry: CustomElementRegistry = customElements): void {
  const existing = registry.get(tag);
  if (existing) {
    if (existing !== element) console.warn(`[encore] <${tag}> is already defined by another copy of Encore; keeping the first.`);
    return;
  }
  registry.define(tag, element);
}
