import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';

/** Says so when the browser is offline; uploads pause and resume by themselves. */
@customElement('offline-banner')
export class OfflineBanner extends LitElement {
  static override styles = css`
    :host { display: block; }
    p { margin: 0; padding: 0.5rem 1rem; background: var(--sl-warn-bg); color: var(--sl-warn-text); }
  `;

  @state() private online = navigator.onLine;
  private readonly syncOnline = () => {
    this.online = navigator.onLine;
  };

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('online', this.syncOnline);
    window.addEventListener('offline', this.syncOnline);
  }

  override disconnectedCallback() {
    window.removeEventListener('online', this.syncOnline);
    window.removeEventListener('offline', this.syncOnline);
    super.disconnectedCallback();
  }

  override render() {
    return this.online
      ? null
      : html`<p role="status">You are offline. Uploads wait and carry on when the network is back.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'offline-banner': OfflineBanner;
  }
}
