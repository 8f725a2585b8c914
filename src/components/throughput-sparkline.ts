import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatBytes, formatRate } from '../dashboard/format.ts';
import { sparklinePoints } from '../dashboard/sparkline.ts';

const WIDTH = 200;
const HEIGHT = 40;

/** Recent throughput as a line, with the numbers in words beside it. */
@customElement('throughput-sparkline')
export class ThroughputSparkline extends LitElement {
  static override styles = css`
    :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; }
    svg { width: min(100%, 200px); height: 40px; border-bottom: 1px solid var(--sl-border); }
    polyline { fill: none; stroke: var(--sl-accent); stroke-width: 2; vector-effect: non-scaling-stroke; }
    dl { display: flex; flex-wrap: wrap; gap: 0 1rem; margin: 0; }
    dt { color: var(--sl-muted); font-size: 0.8rem; }
    dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
  `;

  /** Bytes per second, oldest first. */
  @property({ attribute: false }) samples: readonly number[] = [];
  /** Bytes uploaded so far, shown as the total. */
  @property({ attribute: false }) totalBytes = 0;
  /** Optional size of everything being uploaded, for "x of y". */
  @property({ attribute: false }) ofBytes?: number;
  /** Seconds between samples, for the accessible description. */
  @property({ type: Number, attribute: 'sample-seconds' }) sampleSeconds = 1;

  override render() {
    const now = this.samples.at(-1) ?? 0;
    const peak = Math.max(0, ...this.samples);
    const span = Math.round(this.samples.length * this.sampleSeconds);
    const total =
      this.ofBytes !== undefined
        ? `${formatBytes(this.totalBytes)} of ${formatBytes(this.ofBytes)}`
        : formatBytes(this.totalBytes);
    return html`
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img"
        aria-label="Throughput over the last ${span} s: now ${formatRate(now)}, peak ${formatRate(peak)}">
        <polyline points=${sparklinePoints(this.samples, { width: WIDTH, height: HEIGHT })}></polyline>
      </svg>
      <dl>
        <div><dt>Now</dt><dd>${formatRate(now)}</dd></div>
        <div><dt>Peak</dt><dd>${formatRate(peak)}</dd></div>
        <div><dt>Uploaded</dt><dd>${total}</dd></div>
      </dl>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'throughput-sparkline': ThroughputSparkline;
  }
}
