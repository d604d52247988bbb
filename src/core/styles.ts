/**
 * Design tokens every widget shares. Each public `--encore-*` property is read once through a
 * private `--_*` on `:host`, falling back to a literal, so a merchant themes everything from
 * `:root` and each widget can still be themed on its own.
 */
import { css } from 'lit';

export const baseStyles = css`
  :host {
    --_primary: var(--encore-color-primary, #1d5c4a);
    --_on-primary: var(--encore-color-on-primary, #ffffff);
    --_text: var(--encore-color-text, #1f2328);
    --_muted: var(--encore-color-muted, #59616b);
    --_surface: var(--encore-color-surface, #ffffff);
    --_subtle: var(--encore-color-subtle, #f3f5f4);
    --_border: var(--encore-color-border, #cfd6d3);
    --_danger: var(--encore-color-danger, #b42318);
    --_success: var(--encore-color-success, #146c43);
    --_focus: var(--encore-color-focus, #2458c6);
    --_radius: var(--encore-radius, 10px);
    --_space: var(--encore-space, 1rem);
    --_font: var(--encore-font-family, system-ui, -apple-system, 'Segoe UI', 'Hiragino Sans', 'Noto Sans JP', sans-serif);
    --_font-size: var(--encore-font-size, 1rem);

    display: block;
    box-sizing: border-box;
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.5;
  }
  :host(:state(loading)) {
    min-block-size: var(--encore-reserve-block-size);
  }
  :host(:state(loading)) > [part~='skeleton'] {
    min-block-size: inherit;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [part~='base'] {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
  }
  button,
  a.button {
    font: inherit;
    min-block-size: 2.75rem;
    min-inline-size: 2.75rem;
    padding: 0.5rem 1rem;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_primary);
    background: var(--_primary);
    color: var(--_on-primary);
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.375rem;
    text-decoration: none;
  }
  button.secondary,
  a.button.secondary {
    background: transparent;
    color: var(--_primary);
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  a {
    color: var(--_primary);
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  [part~='skeleton'] .bone {
    display: block;
    border-radius: 6px;
    background: linear-gradient(90deg, var(--_subtle) 25%, #e6ebe9 50%, var(--_subtle) 75%) 0 0 / 200% 100%;
    animation: encore-shimmer 1.4s ease-in-out infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='skeleton'] .bone {
      animation: none;
    }
  }
  @keyframes encore-shimmer {
    to {
      background-position: -200% 0;
    }
  }
  [part~='error'] {
    color: var(--_danger);
    margin: 0 0 0.75rem;
  }
`;
