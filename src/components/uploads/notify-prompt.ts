import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { controlStyles } from '../shared-styles.ts';

export type NotifyAnswer = 'yes' | 'not-now';

/**
 * Offers notifications in the page's own words, so the browser's permission prompt appears only
 * when someone asks for it (never on load). Emits `notify-answer` (NotifyAnswer).
 */
@customElement('notify-prompt')
export class NotifyPrompt extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      div { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; padding: 0.5rem 0.75rem;
        border: 1px solid var(--sl-border); border-inline-start: 4px solid var(--sl-accent); border-radius: 6px;
        background: var(--sl-surface); }
      p { margin: 0; flex: 1 1 16rem; }
      .actions { display: flex; gap: 0.5rem; border: 0; padding: 0; }
    `,
  ];

  private answer(answer: NotifyAnswer) {
    this.dispatchEvent(
      new CustomEvent<NotifyAnswer>('notify-answer', { detail: answer, bubbles: true, composed: true }),
    );
  }

  override render() {
    return html`<div role="group" aria-labelledby="ask">
      <p id="ask">Get a notification when uploads finish or fail while Skylift is in the background?</p>
      <span class="actions">
        <button class="primary" @click=${() => this.answer('yes')}>Notify me</button>
        <button @click=${() => this.answer('not-now')}>Not now</button>
      </span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notify-prompt': NotifyPrompt;
  }
}
