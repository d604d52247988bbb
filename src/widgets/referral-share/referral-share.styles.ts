import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--encore-referral-share-accent, var(--_primary));
    max-inline-size: 40rem;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.5rem;
  }
  h3,
  label {
    display: block;
    font-size: 1rem;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  p {
    margin: 0.25rem 0;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li::before {
    content: '✦ ';
    color: var(--_accent);
  }
  .row,
  [part~='channels'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  [part~='channels'] li::before {
    content: none;
  }
  input {
    flex: 1 1 100%;
    block-size: 2.75rem;
    padding: 0 0.75rem;
    font: inherit;
    color: inherit;
    background: var(--_subtle);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
  }
  [part~='code'] {
    font-family: ui-monospace, monospace;
    font-weight: 700;
    border: 1px dashed var(--_accent);
  }
  .status {
    min-block-size: 1.5em;
    margin: 0;
    font-size: 0.875rem;
    color: var(--_success);
  }
  .failed {
    color: var(--_danger);
  }
  dl {
    margin: 0;
  }
  dl div {
    display: flex;
    justify-content: space-between;
    gap: 0.5rem;
    padding: 0.25rem 0;
    border-block-end: 1px solid var(--_border);
  }
  [part~='empty'] {
    font-size: 0.875rem;
    color: var(--_muted);
  }
  dd {
    margin: 0;
    font-weight: 700;
  }
  [part~='offer'] {
    padding: 0.75rem;
    margin-block-end: 0.75rem;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_subtle);
  }
  .bone {
    margin-block-start: 0.75rem;
    block-size: 1.25rem;
  }
  .title {
    inline-size: 40%;
    block-size: 1.75rem;
    margin: 0;
  }
  .label {
    inline-size: 30%;
  }
  .field {
    block-size: 2.75rem;
  }
  .bone[class*=' c'] {
    display: inline-block;
    vertical-align: top;
    block-size: 2.75rem;
    margin: 0.5rem 0.5rem 0 0;
  }
  .c1 {
    inline-size: 5.25rem;
  }
  .c2 {
    inline-size: 4.375rem;
  }
  .c3 {
    inline-size: 2.75rem;
  }
  .c4 {
    inline-size: 6.75rem;
  }
  .c5 {
    inline-size: 7.25rem;
  }
  .stats {
    block-size: 6.25rem;
  }
  .offer {
    block-size: 15.25rem;
  }
`;
