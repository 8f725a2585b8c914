import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { UploadView } from '../../../lib/protocol/messages.ts';
import { summarizeUploads } from '../../dashboard/throughput-history.ts';
import { countsInWords } from '../../uploads/upload-words.ts';
import '../throughput-sparkline.ts';

/** All uploads at a glance: how many are where, bytes so far, and throughput over the last minute. */
@customElement('upload-totals')
export class UploadTotals extends LitElement {
  static override styles = css`
    :host { display: grid; gap: 0.5rem; }
    p { margin: 0; font-variant-numeric: tabular-nums; }
  `;

  @property({ attribute: false }) uploads: readonly UploadView[] = [];
  /** Bytes per second, one a second, oldest first. */
  @property({ attribute: false }) samples: readonly number[] = [];

  override render() {
    const summary = summarizeUploads(this.uploads);
    return html`
      <p class="counts">${countsInWords(this.uploads)}</p>
      <throughput-sparkline .samples=${this.samples} .totalBytes=${summary.confirmedBytes}
        .ofBytes=${summary.totalBytes}></throughput-sparkline>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-totals': UploadTotals;
  }
}
