/** The rating prompt's look: items in a grid, 44 px stars drawn as outlines and filled up to the rating. */
import { css } from 'lit';

export const styles = css`
  :host {
    --_star: var(--encore-rating-prompt-star, #9a6700);
    max-inline-size: 40rem;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.5rem;
  }
  p {
    margin: 0.25rem 0 0.5rem;
  }
  ul {
    list-style: none;
    margin: 0 0 0.75rem;
    padding: 0;
  }
  [part~='item'] {
    display: grid;
    grid-template-columns: 4rem 1fr;
    gap: 0.25rem 1rem;
    padding-block: 0.75rem;
    border-block-start: 1px solid var(--_border);
  }
  [part~='item'] > :not(img) {
    grid-column: 2;
  }
  img {
    grid-row: 1 / span 2;
    inline-size: 4rem;
    block-size: 4rem;
    object-fit: cover;
    border-radius: 6px;
  }
  .name {
    font-weight: 600;
  }
  .stars {
    display: flex;
  }
  [part~='star'] {
    display: grid;
    place-items: center;
    inline-size: 2.75rem;
    block-size: 2.75rem;
    border-radius: 6px;
    color: var(--_star);
    cursor: pointer;
  }
  [part~='star']:has(:focus-visible) {
    outline: 3px solid var(--_focus);
    outline-offset: -3px;
  }
  svg {
    inline-size: 2rem;
    block-size: 2rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.5;
  }
  [part~='star--on'] svg {
    fill: currentColor;
  }
  .review {
    margin-block-start: 0.5rem;
  }
  textarea {
    font: inherit;
    inline-size: 100%;
    padding: 0.5rem;
    border: 1px solid var(--_muted);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface);
    color: inherit;
    resize: vertical;
  }
  [part~='thanks'] {
    color: var(--_success);
    font-weight: 600;
  }
  [part~='thanks']:focus {
    outline: none;
  }
  [part~='skeleton'] .bone {
    margin-block-end: 0.75rem;
  }
  .bone.title {
    inline-size: 45%;
    block-size: 1.875rem;
  }
  .bone.line {
    inline-size: 60%;
    block-size: 1.5rem;
  }
  .bone.item {
    block-size: 5.75rem;
  }
  .bone.button {
    inline-size: 7rem;
    block-size: 2.75rem;
    margin: 0;
  }
`;
