import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** Offers a waiting new version of the app. */
@customElement('update-banner')
export class UpdateBanner extends LitElement {
  static override styles = css`
    :host { display: block; }
    div { display: flex; gap: 1rem; align-items: center; justify-content: space-between; padding: 0.5rem 1rem;
      background: var(--sl-surface); border-bottom: 1px solid var(--sl-border); }
    button { font: inherit; padding: 0.3rem 0.8rem; border-radius: 6px; border: 0; cursor: pointer;
      background: var(--sl-accent); color: var(--sl-accent-text); }
    button:focus-visible { outline: 3px solid var(--sl-focus); outline-offset: 2px; }
  `;

  /** Switches to the waiting version; undefined while there is none. */
  @property({ attribute: false }) apply?: () => void;

  override render() {
    if (!this.apply) return null;
    return html`<div role="status">
      <span>A new version of Skylift is ready.</span>
      <button @click=${() => this.apply?.()}>Reload to update</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-banner': UpdateBanner;
  }
}
