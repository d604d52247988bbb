import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--encore-nps-survey-accent, var(--_primary));
    max-inline-size: 40rem;
  }
  [part~='base'] {
    container-type: inline-size;
  }
  .head {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
  }
  h2 {
    flex: 1;
    font-size: 1.125rem;
    margin: 0 0 0.75rem;
  }
  h2:focus {
    outline: none;
  }
  p {
    margin: 0.5rem 0 0;
  }
  .close {
    margin: -0.5rem -0.5rem 0 0;
    padding: 0;
    border-color: transparent;
    background: none;
    color: var(--_muted);
    font-size: 1.5rem;
  }
  .opts {
    display: grid;
    grid-template-columns: repeat(11, 1fr);
    gap: 0.25rem;
  }
  @container (max-width: 20rem) {
    .opts {
      grid-template-columns: repeat(6, 1fr);
    }
  }
  [part~='score'] {
    position: relative;
    display: grid;
    place-items: center;
    min-inline-size: 1.5rem;
    min-block-size: 2.75rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.6);
    background: var(--_surface);
    font-variant-numeric: tabular-nums;
    cursor: pointer;
  }
  [part~='score']:hover {
    border-color: var(--_accent);
  }
  [part~='score']:has(:checked) {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-primary);
  }
  [part~='score']:has(:focus-visible) {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  input {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    margin: 0;
    opacity: 0;
    cursor: inherit;
  }
  .ends {
    display: flex;
    justify-content: space-between;
    gap: 1rem;
    margin-block-start: 0.375rem;
    color: var(--_muted);
    font-size: 0.875rem;
  }
  .ends :last-child {
    text-align: end;
  }
  label[for] {
    display: block;
    margin-block-start: 1rem;
    font-weight: 600;
  }
  .opt {
    color: var(--_muted);
    font-weight: 400;
  }
  textarea {
    display: block;
    inline-size: 100%;
    min-block-size: 5rem;
    margin: 0.25rem 0 0.75rem;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.6);
    background: var(--_surface);
    color: inherit;
    font: inherit;
    resize: vertical;
  }
  .ghost :is(h2, [part~='score'], span, .close) {
    border-color: transparent;
    border-radius: 6px;
    background: var(--_subtle);
    color: transparent;
  }
  [part~='dialog'] {
    position: fixed;
    inset-block-end: 1rem;
    inset-inline-end: 1rem;
    z-index: 2147483000;
    inline-size: min(26rem, calc(100vw - 2rem));
    max-block-size: calc(100vh - 2rem);
    overflow: auto;
    border-radius: var(--_radius);
    box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.2);
    animation: encore-nps-in 0.3s ease-out;
  }
  @keyframes encore-nps-in {
    from {
      transform: translateY(1.5rem);
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='dialog'] {
      animation: none;
    }
  }
`;
