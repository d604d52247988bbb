import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--encore-points-balance-accent, var(--_primary));
    max-inline-size: 40rem;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.5rem;
  }
  h3 {
    font-size: 1rem;
    margin: 1.25rem 0 0.5rem;
  }
  h4 {
    margin: 0 0 0.5rem;
    font-size: 1rem;
  }
  p {
    margin: 0.25rem 0;
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 1rem;
  }
  [part~='balance'] {
    font-size: 2rem;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  [part~='tier'] {
    padding: 0.125rem 0.625rem;
    border-radius: 999px;
    background: var(--_subtle);
    border: 1px solid var(--_border);
    font-weight: 600;
  }
  [part~='progress'] {
    margin-block: 0.5rem;
    color: var(--_muted);
  }
  progress {
    inline-size: 100%;
    block-size: 0.75rem;
    appearance: none;
    border: 0;
    border-radius: 999px;
    background: var(--_subtle);
    overflow: hidden;
  }
  progress::-webkit-progress-bar {
    background: var(--_subtle);
  }
  progress::-webkit-progress-value {
    background: var(--_accent);
    border-radius: 999px;
  }
  progress::-moz-progress-bar {
    background: var(--_accent);
  }
  [part~='expiring'] {
    color: var(--_danger);
    font-weight: 600;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  [part~='reward'] {
    border-block-start: 1px solid var(--_border);
    padding-block: 0.5rem;
  }
  .reward-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.75rem;
    min-block-size: 2.75rem;
  }
  .reward-name {
    font-weight: 600;
    flex: 1 1 8rem;
  }
  .cost,
  .need {
    color: var(--_muted);
  }
  .panel {
    margin-block-start: 0.5rem;
    padding: 0.75rem;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_subtle);
  }
  .panel h4:focus {
    outline: none;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin-block-start: 0.5rem;
  }
  [part~='code'] {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 1.125rem;
    font-weight: 700;
    padding: 0.25rem 0.5rem;
    margin-inline: 0.5rem;
    border: 1px dashed var(--_primary);
    border-radius: 6px;
    background: var(--_surface);
    user-select: all;
  }
  .copy-status {
    min-block-size: 1.5em;
    color: var(--_success);
  }
  [part~='earn'] li {
    padding-block: 0.25rem;
  }
  [part~='earn'] li::before {
    content: '✦';
    color: var(--_accent);
    margin-inline-end: 0.5rem;
  }
  [part~='skeleton'] .bone {
    margin-block-start: 0.75rem;
  }
  .bone.title {
    inline-size: 40%;
    block-size: 1.5rem;
    margin-block-start: 0;
  }
  .bone.balance {
    inline-size: 55%;
    block-size: 3rem;
  }
  .bone.bar {
    block-size: 2.75rem;
  }
  .bone.row {
    block-size: 3.25rem;
  }
  .bone.line {
    block-size: 4.5rem;
  }
`;
