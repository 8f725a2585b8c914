import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { registerServiceWorker } from '../pwa/register-sw.ts';
import './offline-banner.ts';
import './update-banner.ts';

/** The application shell: header, banners and the main view. */
@customElement('skylift-app')
export class SkyliftApp extends LitElement {
  static override styles = css`
    :host { display: block; min-height: 100vh; }
    header { display: flex; align-items: center; gap: 0.75rem; padding: 0.75rem 1rem;
      background: var(--sl-accent); color: var(--sl-accent-text); }
    header img { width: 32px; height: 32px; }
    h1 { margin: 0; font-size: 1.25rem; }
    main { padding: 1rem; max-width: 64rem; margin: 0 auto; }
    p { color: var(--sl-muted); }
  `;

  @state() private applyUpdate?: () => void;

  override connectedCallback() {
    super.connectedCallback();
    registerServiceWorker({
      onUpdateWaiting: (apply) => {
        this.applyUpdate = apply;
      },
    });
  }

  override render() {
    return html`
      <header>
        <img src="/icons/icon.svg" alt="" />
        <h1>Skylift</h1>
      </header>
      <update-banner .apply=${this.applyUpdate}></update-banner>
      <offline-banner></offline-banner>
      <main>
        <p>Large files to Alibaba Cloud OSS, in the background: uploads keep going when the network drops or the tab closes.</p>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'skylift-app': SkyliftApp;
  }
}
