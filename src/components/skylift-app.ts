import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { registerServiceWorker } from '../pwa/register-sw.ts';
import './offline-banner.ts';
import './session-status.ts';
import './update-banner.ts';
import './upload-queue.ts';

/** The app's views, addressed by the URL hash (`#/dashboard`), so back/forward and links work. */
const VIEWS = {
  uploads: { hash: '#/', label: 'Uploads' },
  dashboard: { hash: '#/dashboard', label: 'Dashboard' },
  settings: { hash: '#/settings', label: 'Settings' },
} as const;
type View = keyof typeof VIEWS;

function viewFromHash(hash: string): View {
  const path = hash.split('?')[0];
  if (path === VIEWS.dashboard.hash) return 'dashboard';
  if (path === VIEWS.settings.hash) return 'settings';
  return 'uploads';
}

/** Loaded on first visit, so the upload page starts without the dashboard's code. */
const loadView: Record<Exclude<View, 'uploads'>, () => Promise<unknown>> = {
  dashboard: () => import('./dashboard/dashboard-view.ts'),
  settings: () => import('./settings/settings-view.ts'),
};

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
    nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0 1rem;
      background: var(--sl-surface); border-bottom: 1px solid var(--sl-border); }
    nav a { display: inline-block; padding: 0.6rem 0.75rem; color: var(--sl-text); text-decoration: none;
      border-bottom: 3px solid transparent; }
    nav a[aria-current='page'] { border-bottom-color: var(--sl-accent); font-weight: 600; }
    nav a:focus-visible { outline: 3px solid var(--sl-focus); outline-offset: 2px; }
    /* Headings take focus only so a view change is announced; they are not controls. */
    h2:focus { outline: none; }
    h2 { margin: 0 0 1rem; font-size: 1.2rem; }
  `;

  @state() private applyUpdate?: () => void;
  @state() private view: View = viewFromHash(location.hash);
  /** Views opened at least once stay mounted (hidden), keeping their state and subscriptions. */
  @state() private opened = new Set<View>(['uploads']);
  private readonly onHashChange = () => {
    this.view = viewFromHash(location.hash);
    void this.openView(this.view, true);
  };

  private async openView(view: View, moveFocus: boolean) {
    if (view !== 'uploads') await loadView[view]();
    this.opened = new Set([...this.opened, view]);
    if (!moveFocus) return;
    // Screen reader and keyboard users land at the start of the view they chose.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#${view}-heading`)?.focus();
  }

  override connectedCallback() {
    super.connectedCallback();
    registerServiceWorker({
      onUpdateWaiting: (apply) => {
        this.applyUpdate = apply;
      },
    });
    window.addEventListener('hashchange', this.onHashChange);
    void this.openView(this.view, false);
  }

  override disconnectedCallback() {
    window.removeEventListener('hashchange', this.onHashChange);
    super.disconnectedCallback();
  }

  override render() {
    return html`
      <header>
        <img src="/icons/icon.svg" alt="" />
        <h1>Skylift</h1>
      </header>
      <session-status></session-status>
      <update-banner .apply=${this.applyUpdate}></update-banner>
      <offline-banner></offline-banner>
      <nav aria-label="Views">
        <ul>
          ${(Object.keys(VIEWS) as View[]).map(
            (v) =>
              html`<li><a href=${VIEWS[v].hash} aria-current=${this.view === v ? 'page' : 'false'}>${VIEWS[v].label}</a></li>`,
          )}
        </ul>
      </nav>
      <main>
        <section ?hidden=${this.view !== 'uploads'} aria-labelledby="uploads-heading">
          <h2 id="uploads-heading" tabindex="-1">Uploads</h2>
          <p>Large files to Alibaba Cloud OSS, part by part: an upload picks up where it stopped when the network drops.</p>
          <upload-queue></upload-queue>
        </section>
        <section ?hidden=${this.view !== 'dashboard'} aria-labelledby="dashboard-heading">
          <h2 id="dashboard-heading" tabindex="-1">Dashboard</h2>
          ${this.opened.has('dashboard') ? html`<dashboard-view ?active=${this.view === 'dashboard'}></dashboard-view>` : null}
        </section>
        <section ?hidden=${this.view !== 'settings'} aria-labelledby="settings-heading">
          <h2 id="settings-heading" tabindex="-1">Upload settings</h2>
          ${this.opened.has('settings') ? html`<settings-view></settings-view>` : null}
        </section>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'skylift-app': SkyliftApp;
  }
}
