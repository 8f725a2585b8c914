import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type DashboardUpload, orphansOlderThan } from '../../dashboard/dashboard-state.ts';
import { controlStyles } from '../shared-styles.ts';

export const DEFAULT_ORPHAN_HOURS = 24;

/** "Abort orphans older than N hours". Fires `abort-orphans` with the hours; the view confirms. */
@customElement('orphan-cleanup')
export class OrphanCleanup extends LitElement {
  static override styles = [
    controlStyles,
    css`
      form { display: flex; flex-wrap: wrap; align-items: end; gap: 0.5rem 0.75rem; }
      label { display: grid; gap: 0.2rem; }
      input { width: 7rem; }
      p { margin: 0.25rem 0 0; }
    `,
  ];

  @property({ attribute: false }) uploads: readonly DashboardUpload[] = [];
  @property({ attribute: false }) now = Date.now();
  @state() private hours = String(DEFAULT_ORPHAN_HOURS);

  private get validHours(): number | undefined {
    const n = Number(this.hours);
    return this.hours.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
  }

  private submit(event: Event) {
    event.preventDefault();
    if (this.validHours === undefined) return;
    this.dispatchEvent(
      new CustomEvent('abort-orphans', { detail: this.validHours, bubbles: true, composed: true }),
    );
  }

  override render() {
    const hours = this.validHours;
    const count = hours === undefined ? 0 : orphansOlderThan(this.uploads, hours, this.now).length;
    return html`<form @submit=${this.submit}>
      <label>Orphans older than (hours)
        <input type="number" min="0" step="any" inputmode="decimal" .value=${this.hours}
          aria-invalid=${hours === undefined ? 'true' : 'false'} aria-describedby="orphan-count"
          @input=${(e: Event) => {
            this.hours = (e.target as HTMLInputElement).value;
          }} />
      </label>
      <button class="danger" type="submit" ?disabled=${count === 0}>Abort orphans…</button>
      <p id="orphan-count" class=${hours === undefined ? 'error' : 'muted'} aria-live="polite">
        ${hours === undefined ? 'Enter a number of hours, 0 or more.' : `${count} ${count === 1 ? 'orphan matches' : 'orphans match'}.`}
      </p>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'orphan-cleanup': OrphanCleanup;
  }
}
