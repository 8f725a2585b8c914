import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FieldErrors, KeyValue } from '../../settings/upload-settings.ts';
import { controlStyles } from '../shared-styles.ts';

/**
 * Editable key/value rows (metadata, tags). Errors are looked up as `<field>.<row>.key|value` and
 * `<field>`, as validateSettings names them. Fires `rows-change` with the new rows.
 */
@customElement('key-value-rows')
export class KeyValueRows extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      ol { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.5rem; }
      li { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 10rem), 1fr)) auto; gap: 0.25rem 0.5rem;
        align-items: start; }
      label { display: grid; gap: 0.15rem; font-size: 0.875rem; }
      input { width: 100%; }
      .error { font-size: 0.875rem; margin: 0; }
      .remove { align-self: end; }
      .add { margin-top: 0.5rem; }
    `,
  ];

  /** Field name, e.g. `metadata`; also the prefix of the ids of the error messages. */
  @property() field = '';
  /** Singular noun for buttons and labels, e.g. "tag". */
  @property() noun = 'entry';
  @property({ attribute: false }) rows: readonly KeyValue[] = [];
  @property({ attribute: false }) errors: FieldErrors = {};
  @property({ type: Number }) max = Number.POSITIVE_INFINITY;

  private change(rows: KeyValue[]) {
    this.dispatchEvent(new CustomEvent('rows-change', { detail: rows, bubbles: true, composed: true }));
  }

  private edit(index: number, part: 'key' | 'value', value: string) {
    this.change(this.rows.map((row, i) => (i === index ? { ...row, [part]: value } : row)));
  }

  private removeRow(index: number) {
    this.change(this.rows.filter((_, i) => i !== index));
    // Focus stays in the list rather than falling back to the page's start.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.add')?.focus());
  }

  private renderCell(index: number, part: 'key' | 'value') {
    const id = `${this.field}.${index}.${part}`;
    const error = this.errors[id];
    return html`<label>${part === 'key' ? `${this.noun} ${index + 1} name` : `${this.noun} ${index + 1} value`}
      <input .value=${this.rows[index]?.[part] ?? ''} aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-error` : ''} autocomplete="off" spellcheck="false"
        @input=${(e: Event) => this.edit(index, part, (e.target as HTMLInputElement).value)} />
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : null}
    </label>`;
  }

  override render() {
    const listError = this.errors[this.field];
    return html`
      <ol>
        ${this.rows.map(
          (_, i) => html`<li>
            ${this.renderCell(i, 'key')} ${this.renderCell(i, 'value')}
            <button type="button" class="remove" @click=${() => this.removeRow(i)}>Remove ${this.noun} ${i + 1}</button>
          </li>`,
        )}
      </ol>
      ${listError ? html`<p class="error" role="alert">${listError}</p>` : null}
      <button type="button" class="add" ?disabled=${this.rows.length >= this.max}
        @click=${() => this.change([...this.rows, { key: '', value: '' }])}>Add ${this.noun}</button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'key-value-rows': KeyValueRows;
  }
}
