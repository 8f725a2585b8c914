import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { createCredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import type { UploadView } from '../../lib/protocol/messages.ts';
import { command, enqueue, reselect, subscribe } from '../bridge/upload-bridge.ts';

/** An upload's state in words, as people (and the e2e tests) read it. */
export function stateInWords(upload: UploadView): string {
  switch (upload.state) {
    case 'queued':
      return 'queued';
    case 'uploading':
      return upload.retrying ? `retrying — attempt ${upload.attempt}` : 'uploading';
    case 'completing':
      return 'completing';
    case 'waiting-for-network':
      return 'waiting for network';
    case 'paused':
      return 'paused';
    case 'needs-file':
      return 'needs the file again';
    case 'failed':
      return `failed: ${upload.problem?.message ?? 'unknown reason'}`;
    case 'done':
      return upload.problem ? `done (${upload.problem.message})` : 'done';
    case 'aborted':
      return 'aborted';
  }
}

const formatBytes = (n: number) => new Intl.NumberFormat('en').format(Math.round(n));

/** Minimal upload queue: choose files, watch them go, pause/resume/retry/abort. Issue 6 replaces it. */
@customElement('upload-queue')
export class UploadQueue extends LitElement {
  static override styles = css`
    :host { display: block; }
    ul { list-style: none; padding: 0; }
    li { padding: 0.5rem 0; border-bottom: 1px solid var(--sl-muted, #ccc); }
    .name { font-weight: 600; }
    button { margin-inline-end: 0.25rem; }
    .error { color: var(--sl-error, #b00020); }
  `;

  @state() private uploads: UploadView[] = [];
  @state() private error = '';
  private unsubscribe?: () => void;
  private keyPrefixLookup?: Promise<string>;

  override connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = subscribe((uploads) => {
      this.uploads = uploads;
    });
  }

  override disconnectedCallback() {
    this.unsubscribe?.();
    super.disconnectedCallback();
  }

  /** Keys are the token service's prefix + the file name: the credentials may write only there. */
  private keyPrefix(): Promise<string> {
    this.keyPrefixLookup ??= createCredentialsProvider()
      .get()
      .then((c) => c.prefix)
      .catch(() => {
        this.keyPrefixLookup = undefined;
        return '';
      });
    return this.keyPrefixLookup;
  }

  private async onChoose(event: Event) {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    if (files.length === 0) return;
    this.error = '';
    try {
      const prefix = await this.keyPrefix();
      await enqueue(files.map((file) => ({ file, options: { key: `${prefix}${file.name}` } })));
    } catch (error) {
      this.error = (error as Error).message;
    }
    input.value = '';
  }

  private async onReselect(upload: UploadView, event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.error = '';
    await reselect(upload.id, file).catch((error: Error) => {
      this.error = error.message;
    });
    input.value = '';
  }

  private act(upload: UploadView, name: 'pause' | 'resume' | 'retry' | 'abort') {
    command(upload.id, name).catch((error: Error) => {
      this.error = error.message;
    });
  }

  private renderUpload(u: UploadView) {
    const done = Math.min(u.size, u.bytesConfirmed + u.bytesInFlight);
    const active = u.state === 'queued' || u.state === 'uploading' || u.state === 'waiting-for-network';
    return html`<li data-upload-id=${u.id} data-state=${u.state}>
      <div><span class="name">${u.fileName}</span> → ${u.key}</div>
      <div role="status" aria-live="polite" class="state">${stateInWords(u)}</div>
      <div class="bytes">${formatBytes(u.bytesConfirmed)} of ${formatBytes(u.size)} bytes confirmed</div>
      <progress max=${u.size || 1} value=${u.state === 'done' ? u.size || 1 : done} aria-label="Progress of ${u.fileName}"></progress>
      ${u.speed > 0 ? html`<span>${formatBytes(u.speed / 1e6)} MB/s, ${Math.ceil(u.etaSeconds ?? 0)} s left</span>` : nothing}
      <div>
        ${active ? html`<button @click=${() => this.act(u, 'pause')}>Pause ${u.fileName}</button>` : nothing}
        ${u.state === 'paused' ? html`<button @click=${() => this.act(u, 'resume')}>Resume ${u.fileName}</button>` : nothing}
        ${u.state === 'failed' ? html`<button @click=${() => this.act(u, 'retry')}>Retry ${u.fileName}</button>` : nothing}
        ${
          u.state !== 'done' && u.state !== 'aborted'
            ? html`<button @click=${() => this.act(u, 'abort')}>Abort ${u.fileName}</button>`
            : nothing
        }
        ${
          u.state === 'needs-file'
            ? html`<label>Select ${u.fileName} again <input type="file" @change=${(e: Event) => this.onReselect(u, e)} /></label>`
            : nothing
        }
      </div>
    </li>`;
  }

  override render() {
    return html`
      <label>Choose files to upload <input type="file" multiple @change=${this.onChoose} /></label>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <ul aria-label="Uploads">${this.uploads.map((u) => this.renderUpload(u))}</ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-queue': UploadQueue;
  }
}
