/**
 * The carousel's look: a scroll-snap track of equal cards. Every card (and every skeleton card) has
 * the same fixed rows — image at a reserved aspect ratio, a two-line title, price, rating, button —
 * so the loaded widget takes exactly the skeleton's height and nothing shifts as images arrive.
 * One rule per line: this chunk ships as written (template literals are not minified).
 */
import { css, unsafeCSS } from 'lit';

/** Star fill for `data-r` = the average in half stars (0–10). */
const fills = unsafeCSS(Array.from({ length: 11 }, (_, r) => `[data-r='${r}']{--_p:${r * 10}%}`).join(''));

export const styles = css`
:host { --_w: var(--encore-recommendations-slide-width, 11rem); --_ratio: var(--encore-recommendations-image-ratio, 1); --_star: var(--encore-recommendations-star, #9a6700) }
header { display: flex; align-items: center; gap: .5rem; min-block-size: 2.75rem; margin-block-end: .5rem }
h2 { flex: 1; margin: 0; font-size: 1.25rem; line-height: 1.3 }
.nav { padding: 0; font-size: 1.5rem; line-height: 1 }
.nav[hidden] { display: none }
[aria-disabled='true'] { opacity: .5; cursor: default }
.track { display: flex; gap: .75rem; overflow-x: auto; overscroll-behavior-x: contain; scroll-snap-type: x mandatory; scroll-behavior: smooth; scrollbar-width: none }
[part~='skeleton'] .track { overflow: hidden }
@media (prefers-reduced-motion: reduce) { .track { scroll-behavior: auto } }
.card { flex: 0 0 min(var(--_w), 100%); display: flex; flex-direction: column; gap: .25rem; position: relative; padding: .5rem; border: 1px solid var(--_border); border-radius: calc(var(--_radius) * .75); scroll-snap-align: start }
.card:empty { background: var(--_subtle) }
.i { display: block; inline-size: 100%; block-size: auto; aspect-ratio: var(--_ratio); object-fit: cover; border-radius: 6px; background: var(--_subtle) }
.t { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; block-size: 3em; font-weight: 600; color: var(--_text); text-decoration: none }
.card:hover .t { text-decoration: underline }
[part~='title']::after { content: ''; position: absolute; inset: 0 }
.p, .r { display: block; block-size: 1.5em; white-space: nowrap; overflow: hidden }
.p { font-weight: 700 }
.r { font-size: .875rem; color: var(--_muted) }
.bone.p, .bone.r { inline-size: 50% }
.stars { margin-inline-end: .25rem; background: linear-gradient(90deg, var(--_star) var(--_p), var(--_border) 0); -webkit-background-clip: text; background-clip: text; color: transparent }
${fills}
.b { position: relative; block-size: 2.75rem; margin-block-start: auto; white-space: nowrap; padding-inline: .5rem }
`;
