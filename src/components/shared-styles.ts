// Controls look and behave the same in every view: one definition of buttons, fields and focus.
import { css } from 'lit';

export const controlStyles = css`
  button, input, select, textarea { font: inherit; color: inherit; }
  button { padding: 0.4rem 0.8rem; border-radius: 6px; border: 1px solid var(--sl-accent); cursor: pointer;
    background: var(--sl-surface); color: var(--sl-text); min-height: 2.25rem; }
  button.primary { background: var(--sl-accent); color: var(--sl-accent-text); }
  button.danger { border-color: var(--sl-error); color: var(--sl-error); }
  button:disabled { opacity: 0.6; cursor: not-allowed; }
  input:not([type='checkbox']):not([type='radio']), select, textarea { padding: 0.35rem 0.5rem;
    border: 1px solid var(--sl-muted); border-radius: 6px; background: var(--sl-surface); min-height: 2.25rem;
    box-sizing: border-box; max-width: 100%; }
  [aria-invalid='true'] { border-color: var(--sl-error) !important; border-width: 2px !important; }
  :is(button, input, select, textarea, a, summary, [tabindex]):focus-visible {
    outline: 3px solid var(--sl-focus); outline-offset: 2px; }
  .error { color: var(--sl-error); }
  .muted { color: var(--sl-muted); }
  /* Long or hostile names wrap instead of widening the page. */
  .name { overflow-wrap: anywhere; unicode-bidi: isolate; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
    white-space: nowrap; }
`;
