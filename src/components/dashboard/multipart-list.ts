import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DashboardUpload, UploadRef } from '../../dashboard/dashboard-state.ts';
import { formatAge } from '../../dashboard/format.ts';
import { controlStyles } from '../shared-styles.ts';

export type UploadActionEvent = CustomEvent<UploadRef>;

/** The unfinished uploads, each marked as this browser's or an orphan. Fires `select` and `abort`. */
@customElement('multipart-list')
export class MultipartList extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.5rem; }
      li { border: 1px solid var(--sl-border); border-radius: 8px; padding: 0.6rem 0.75rem; background: var(--sl-surface);
        display: grid; gap: 0.35rem; }
      li[aria-current='true'] { border: 2px solid var(--sl-accent); }
      .head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
      .badge { font-size: 0.8rem; font-weight: 600; padding: 0.05rem 0.45rem; border-radius: 999px; white-space: nowrap;
        border: 1px solid currentColor; }
      .orphan { background: var(--sl-orphan-bg); color: var(--sl-orphan-text); }
      .mine { color: var(--sl-ok); }
      .meta { font-size: 0.875rem; color: var(--sl-muted); overflow-wrap: anywhere; }
      .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    `,
  ];

  @property({ attribute: false }) uploads: readonly DashboardUpload[] = [];
  @property({ attribute: false }) selected?: UploadRef;
  /** Clock for ages (ms); the view passes the time of its last poll. */
  @property({ attribute: false }) now = Date.now();

  private fire(type: 'select' | 'abort', upload: DashboardUpload) {
    const detail: UploadRef = { key: upload.key, uploadId: upload.uploadId };
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private renderUpload(u: DashboardUpload) {
    const current = this.selected?.key === u.key && this.selected.uploadId === u.uploadId;
    const started = Number.isNaN(u.initiatedAt)
      ? u.initiated
      : `${new Date(u.initiatedAt).toLocaleString()} (${formatAge(this.now - u.initiatedAt)} ago)`;
    return html`<li aria-current=${current ? 'true' : 'false'} data-upload-id=${u.uploadId}>
      <div class="head">
        <span class="name">${u.key}</span>
        ${
          u.mine
            ? html`<span class="badge mine">This browser</span>`
            : html`<span class="badge orphan" title="Started by another device, or by a run that crashed">Orphan</span>`
        }
      </div>
      <div class="meta">Started ${started} · upload ID <code>${u.uploadId}</code></div>
      <div class="actions">
        <button aria-pressed=${current ? 'true' : 'false'} aria-label="Show parts of ${u.key}"
          @click=${() => this.fire('select', u)}>Show parts</button>
        <button class="danger" aria-label="Abort ${u.key}" @click=${() => this.fire('abort', u)}>Abort</button>
      </div>
    </li>`;
  }

  override render() {
    return html`<ul aria-label="Unfinished uploads">${this.uploads.map((u) => this.renderUpload(u))}</ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'multipart-list': MultipartList;
  }
}
