import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { keyPrefixProblem } from '../../uploads/key-prefix.ts';
import { type PickedFile, pickedFromFiles } from '../../uploads/picked-files.ts';
import { controlStyles } from '../shared-styles.ts';

export interface PrefixChange {
  prefix: string;
  /** Why it cannot be used, in words; undefined when it can. */
  problem?: string;
}

/** Folder inputs exist in Chromium, Firefox and Safari on desktop; most phones have none. */
const canChooseFolders = 'webkitdirectory' in HTMLInputElement.prototype;

/**
 * Where files come in: a file input (several files), a folder input where the browser has one,
 * and the key prefix they go under. Dropping works anywhere on the page (the list listens); this
 * says so. Emits `files-picked` (PickedFile[]) and `prefix-change` (PrefixChange).
 */
@customElement('upload-picker')
export class UploadPicker extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      .zone { display: grid; gap: 0.75rem; padding: 1rem; border: 2px dashed var(--sl-border); border-radius: 8px;
        background: var(--sl-surface); }
      :host([dragging]) .zone { border-color: var(--sl-accent); }
      .choose { display: flex; flex-wrap: wrap; gap: 0.5rem 0.75rem; align-items: center; }
      .choose p { margin: 0; }
      /* The label is the visible button; the input stays in the tab order, so focus shows on the label. */
      label.button { position: relative; display: inline-flex; align-items: center; padding: 0.4rem 0.8rem; min-height: 2.25rem;
        box-sizing: border-box; border-radius: 6px; border: 1px solid var(--sl-accent); cursor: pointer; }
      label.button.primary { background: var(--sl-accent); color: var(--sl-accent-text); font-weight: 600; }
      label.button:focus-within { outline: 3px solid var(--sl-focus); outline-offset: 2px; }
      label.button input { position: absolute; width: 1px; height: 1px; opacity: 0; }
      .prefix { display: grid; gap: 0.25rem; }
      .prefix-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem; }
      .prefix-row input { flex: 1 1 12rem; min-width: 0; }
      .hint { font-size: 0.875rem; margin: 0; }
    `,
  ];

  /** The person's own prefix, after the token service's. */
  @property({ attribute: false }) ownPrefix = '';
  /** The token service's prefix once known (it is asked for when files are first chosen). */
  @property({ attribute: 'token-prefix' }) tokenPrefix?: string;
  @property() problem?: string;
  /** Set while files are dragged over the page. */
  @property({ type: Boolean, reflect: true }) dragging = false;

  private pick(event: Event) {
    const input = event.target as HTMLInputElement;
    const picked = pickedFromFiles(input.files ?? []);
    // Cleared so that choosing the same file again fires `change` again (and is told it is a duplicate).
    input.value = '';
    if (picked.length === 0) return;
    this.dispatchEvent(
      new CustomEvent<PickedFile[]>('files-picked', { detail: picked, bubbles: true, composed: true }),
    );
  }

  private editPrefix(event: Event) {
    const prefix = (event.target as HTMLInputElement).value;
    this.dispatchEvent(
      new CustomEvent<PrefixChange>('prefix-change', {
        detail: { prefix, problem: keyPrefixProblem(prefix) },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    const example = `${this.tokenPrefix}${this.ownPrefix}holiday/beach.jpg`;
    return html`<div class="zone">
      <div class="choose">
        <label class="button primary">Choose files to upload<input type="file" multiple @change=${this.pick} /></label>
        ${
          canChooseFolders
            ? html`<label class="button">Choose a folder to upload<input type="file" webkitdirectory @change=${this.pick} /></label>`
            : nothing
        }
        <p class="muted">or drop files${canChooseFolders ? ' and folders' : ''} anywhere on this page.</p>
      </div>
      <div class="prefix">
        <label for="prefix">Key prefix</label>
        <div class="prefix-row">
          ${this.tokenPrefix ? html`<code class="muted" title="The upload folder the token service allows">${this.tokenPrefix}</code>` : nothing}
          <input id="prefix" .value=${this.ownPrefix} placeholder="e.g. holiday-2024/" autocomplete="off" spellcheck="false"
            aria-describedby="prefix-hint prefix-problem" aria-invalid=${this.problem ? 'true' : 'false'}
            @input=${this.editPrefix} />
        </div>
        <p id="prefix-problem" class="hint error">${this.problem ?? ''}</p>
        <p id="prefix-hint" class="hint muted">
          Keys are ${this.tokenPrefix === undefined ? 'the upload folder, then ' : ''}this prefix, then the
          file's name, with the folder path for files in folders${this.tokenPrefix === undefined ? '.' : ':'}
          ${this.tokenPrefix === undefined ? nothing : html`<code class="name">${example}</code>`}
        </p>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-picker': UploadPicker;
  }
}
