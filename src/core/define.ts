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

/**
 * Does what defining a Lit element first does to its class, ahead of `define`: reading
 * `observedAttributes` finalizes the class (its properties and styles) and reading each style's
 * `styleSheet` parses its CSS. The loader calls it a task before `define`, so that neither joins
 * the task that upgrades the tags on the page (SPEC §5: no long task over 50 ms at 4× CPU).
 */
export function prepare(element: CustomElementConstructor & { observedAttributes?: unknown; elementStyles?: unknown[] }): void {
  void element.observedAttributes;
  for (const style of element.elementStyles ?? []) void (style as { styleSheet?: unknown }).styleSheet;
}
