/**
 * Remembered places: the block size a widget took when its data first showed, stored (localStorage)
 * under its tag, the shopper's identity and the width its container gave it, so the pages of one
 * layout share it. The loader reserves that size on the next view: a widget that the store's data
 * or the page's layout makes taller or shorter than its default place moves nothing the second
 * time. Shared by the loader (reads) and the core (writes).
 */
export const placeOf = (el: Element, member: boolean): string =>
  `encore:place:${el.localName}:${+member}:${Math.round(el.parentElement?.getBoundingClientRect().width ?? 0)}`;
