import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SelectedUpload } from '../../dashboard/dashboard-state.ts';
import { formatBytes, formatCount, formatRate } from '../../dashboard/format.ts';
import { statesFromListedParts } from '../../dashboard/part-groups.ts';
import '../oss-problem.ts';
import '../part-map.ts';
import { controlStyles } from '../shared-styles.ts';

/** A table of tens of thousands of rows helps nobody and slows the page; the map shows them all. */
const MAX_ROWS = 1000;

/** One upload's parts as OSS lists them: totals, the part map and the part table. Fires `abort`. */
@customElement('multipart-detail')
export class MultipartDetail extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      h3 { margin: 0 0 0.25rem; font-size: 1rem; }
      .totals { font-weight: 600; margin: 0.25rem 0; }
      .rate { margin: 0 0 0.75rem; }
      .scroll { overflow-x: auto; max-height: 24rem; overflow-y: auto; border: 1px solid var(--sl-border); border-radius: 6px; }
      table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.875rem; }
      th, td { text-align: start; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--sl-border); white-space: nowrap; }
      th { position: sticky; top: 0; background: var(--sl-surface); }
      details { margin-top: 0.75rem; }
      .actions { margin-top: 0.75rem; }
    `,
  ];

  @property({ attribute: false }) upload?: SelectedUpload;

  private abort() {
    if (!this.upload) return;
    const { key, uploadId } = this.upload;
    this.dispatchEvent(
      new CustomEvent('abort', { detail: { key, uploadId }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const u = this.upload;
    if (!u) return html`<p class="muted">Choose “Show parts” on an upload to see its parts here.</p>`;
    const parts = u.parts ?? [];
    return html`
      <h3 class="name">${u.key}</h3>
      <div class="muted">Upload ID <code>${u.uploadId}</code></div>
      <oss-problem context="Listing parts" .problem=${u.problem}></oss-problem>
      ${
        u.parts === undefined
          ? u.problem
            ? null
            : html`<p role="status">Loading parts…</p>`
          : html`
            <p class="totals" role="status" aria-live="polite">
              ${formatCount(parts.length)} ${parts.length === 1 ? 'part' : 'parts'} · ${formatBytes(u.totalBytes)} uploaded
              (${formatCount(u.totalBytes)} bytes)
            </p>
            ${u.rate !== undefined ? html`<p class="muted rate">${formatRate(u.rate)} since the last check</p>` : null}
            <part-map .parts=${statesFromListedParts(parts.map((p) => p.partNumber))}></part-map>
            <details ?open=${parts.length <= 20}>
              <summary>Part list</summary>
              <div class="scroll" tabindex="0" role="region" aria-label="Parts of ${u.key}">
                <table>
                  <thead><tr><th scope="col">Part</th><th scope="col">Size (bytes)</th><th scope="col">ETag</th></tr></thead>
                  <tbody>
                    ${parts
                      .slice(0, MAX_ROWS)
                      .map(
                        (p) =>
                          html`<tr><td>${p.partNumber}</td><td>${formatCount(p.size)}</td><td><code>${p.etag}</code></td></tr>`,
                      )}
                  </tbody>
                </table>
              </div>
              ${parts.length > MAX_ROWS ? html`<p class="muted">First ${formatCount(MAX_ROWS)} of ${formatCount(parts.length)} parts.</p>` : null}
            </details>`
      }
      <div class="actions"><button class="danger" @click=${this.abort}>Abort this upload</button></div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'multipart-detail': MultipartDetail;
  }
}
