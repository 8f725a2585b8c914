import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { GiB } from '../../../lib/oss/limits.ts';
import { MAX_PARALLEL } from '../../../lib/upload-plan/part-plan.ts';
import { formatBytes, formatCount } from '../../dashboard/format.ts';
import { loadSettings, saveSettings } from '../../settings/settings-store.ts';
import {
  autoChoice,
  type CallbackBodyType,
  DEFAULT_SETTINGS,
  type FieldErrors,
  type KeyValue,
  MAX_PART_SIZE_MIB,
  MAX_TAGS,
  MIN_PART_SIZE_MIB,
  type SettingsDraft,
  STORAGE_CLASSES,
  toDraft,
  validateSettings,
} from '../../settings/upload-settings.ts';
import { controlStyles } from '../shared-styles.ts';
import './key-value-rows.ts';

/** File sizes the auto plan is shown for, so people see how part size grows with the file. */
const EXAMPLE_SIZES = [1 * GiB, 100 * GiB, 1024 * GiB];

/** Upload settings for this browser, validated as they are typed; applied to uploads queued afterwards. */
@customElement('settings-view')
export class SettingsView extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      form { display: grid; gap: 1rem; }
      fieldset { border: 1px solid var(--sl-border); border-radius: 8px; padding: 0.75rem 1rem; margin: 0;
        background: var(--sl-surface); display: grid; gap: 0.5rem; min-width: 0; }
      legend { font-weight: 600; padding: 0 0.25rem; }
      label { display: flex; gap: 0.25rem 0.5rem; align-items: center; }
      label.stack { display: grid; }
      textarea { width: 100%; min-height: 5rem; font-family: ui-monospace, monospace; }
      input[type='url'] { width: 100%; }
      .error { margin: 0; }
      .hint { margin: 0; font-size: 0.875rem; color: var(--sl-muted); }
      .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
      ul.hint { padding-inline-start: 1.25rem; }
    `,
  ];

  @state() private draft: SettingsDraft = toDraft(loadSettings());
  /** Messages show once a field was edited, or for all fields after a save attempt. */
  @state() private touched = new Set<string>();
  @state() private submitted = false;
  @state() private status = '';

  private get result() {
    return validateSettings(this.draft);
  }

  private edit(patch: Partial<SettingsDraft>, field: string) {
    this.draft = { ...this.draft, ...patch };
    this.touched = new Set([...this.touched, field]);
    this.status = '';
  }

  private visibleErrors(): FieldErrors {
    const { errors } = this.result;
    if (this.submitted) return errors;
    return Object.fromEntries(
      Object.entries(errors).filter(([id]) => this.touched.has(id.split('.')[0] ?? id)),
    );
  }

  private save(event: Event) {
    event.preventDefault();
    this.submitted = true;
    const { settings } = this.result;
    if (!settings) {
      this.status = 'Not saved: fix the fields marked above.';
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    saveSettings(settings);
    this.draft = toDraft(settings);
    this.status = 'Saved. New uploads use these settings.';
  }

  private reset() {
    this.draft = toDraft(DEFAULT_SETTINGS);
    this.touched = new Set();
    this.submitted = false;
    saveSettings(DEFAULT_SETTINGS);
    this.status = 'Back to the defaults, and saved.';
  }

  private errorFor(errors: FieldErrors, id: string) {
    const message = errors[id];
    return message ? html`<p class="error" id="${id}-error">${message}</p>` : null;
  }

  private describedBy(errors: FieldErrors, id: string, hint?: string) {
    return [errors[id] ? `${id}-error` : '', hint ?? ''].filter(Boolean).join(' ');
  }

  private renderPartSize(errors: FieldErrors) {
    const d = this.draft;
    const examples = EXAMPLE_SIZES.map((size) => {
      const { plan } = autoChoice(size);
      return html`<li>${formatBytes(size)} → ${formatCount(plan.partCount)} parts of ${formatBytes(plan.partSize)}</li>`;
    });
    return html`<fieldset>
      <legend>Part size</legend>
      <label><input type="radio" name="partSize" .checked=${d.partSizeAuto}
        @change=${() => this.edit({ partSizeAuto: true }, 'partSize')} /> Auto (recommended)</label>
      <ul class="hint" id="partSize-hint">${examples}</ul>
      <label><input type="radio" name="partSize" .checked=${!d.partSizeAuto}
        @change=${() => this.edit({ partSizeAuto: false }, 'partSize')} /> Fixed:
        <input id="partSize" type="text" inputmode="decimal" size="8" aria-label="Part size in MiB"
          .value=${d.partSizeMiB} ?disabled=${d.partSizeAuto} aria-invalid=${errors.partSize ? 'true' : 'false'}
          aria-describedby=${this.describedBy(errors, 'partSize', 'partSize-range')}
          @input=${(e: Event) => this.edit({ partSizeMiB: (e.target as HTMLInputElement).value }, 'partSize')} /> MiB
      </label>
      <p class="hint" id="partSize-range">${MIN_PART_SIZE_MIB} MiB to ${MAX_PART_SIZE_MIB} MiB (5 GiB); a file may have at most 10,000 parts.</p>
      ${this.errorFor(errors, 'partSize')}
    </fieldset>`;
  }

  private renderParallel(errors: FieldErrors) {
    const d = this.draft;
    return html`<fieldset>
      <legend>Parts in parallel</legend>
      <label><input type="radio" name="parallel" .checked=${d.parallelAuto}
        @change=${() => this.edit({ parallelAuto: true }, 'parallel')} /> Auto (${autoChoice(0).parallel} at a time)</label>
      <label><input type="radio" name="parallel" .checked=${!d.parallelAuto}
        @change=${() => this.edit({ parallelAuto: false }, 'parallel')} /> Fixed:
        <input id="parallel" type="number" min="1" max=${MAX_PARALLEL} step="1" aria-label="Parts in parallel"
          .value=${d.parallel} ?disabled=${d.parallelAuto} aria-invalid=${errors.parallel ? 'true' : 'false'}
          aria-describedby=${this.describedBy(errors, 'parallel')}
          @input=${(e: Event) => this.edit({ parallel: (e.target as HTMLInputElement).value }, 'parallel')} />
      </label>
      ${this.errorFor(errors, 'parallel')}
    </fieldset>`;
  }

  private renderObject(errors: FieldErrors) {
    const d = this.draft;
    return html`<fieldset>
      <legend>Stored object</legend>
      <label>Storage class
        <select .value=${d.storageClass} aria-invalid=${errors.storageClass ? 'true' : 'false'}
          aria-describedby=${this.describedBy(errors, 'storageClass')}
          @change=${(e: Event) => this.edit({ storageClass: (e.target as HTMLSelectElement).value }, 'storageClass')}>
          ${STORAGE_CLASSES.map((c) => html`<option value=${c} ?selected=${c === d.storageClass}>${c}</option>`)}
        </select>
      </label>
      ${this.errorFor(errors, 'storageClass')}
      <label><input type="checkbox" .checked=${d.forbidOverwrite}
        @change=${(e: Event) => this.edit({ forbidOverwrite: (e.target as HTMLInputElement).checked }, 'forbidOverwrite')} />
        Never overwrite an existing object with the same name</label>
    </fieldset>`;
  }

  private renderRows(errors: FieldErrors, field: 'metadata' | 'tags') {
    const isTags = field === 'tags';
    return html`<fieldset>
      <legend>${isTags ? 'Tags' : 'Metadata'}</legend>
      <p class="hint">${
        isTags
          ? `Up to ${MAX_TAGS} tags; sent as x-oss-tagging.`
          : 'Names use a–z, 0–9 and -; values printable ASCII; 8 KB in all. Sent as x-oss-meta-<name>.'
      }</p>
      <key-value-rows field=${field} noun=${isTags ? 'tag' : 'metadata'} .rows=${this.draft[field]} .errors=${errors}
        max=${isTags ? MAX_TAGS : Number.POSITIVE_INFINITY}
        @rows-change=${(e: CustomEvent<KeyValue[]>) => this.edit({ [field]: e.detail }, field)}></key-value-rows>
    </fieldset>`;
  }

  private renderCallback(errors: FieldErrors) {
    const d = this.draft;
    const type = (value: CallbackBodyType, label: string) =>
      html`<label><input type="radio" name="callbackType" .checked=${d.callbackType === value}
        @change=${() => this.edit({ callbackType: value }, 'callbackBody')} /> ${label}</label>`;
    return html`<fieldset>
      <legend>Upload callback (optional)</legend>
      <label class="stack">Callback URL
        <input id="callbackUrl" type="url" placeholder="https://example.com/uploaded" .value=${d.callbackUrl}
          aria-invalid=${errors.callbackUrl ? 'true' : 'false'} aria-describedby=${this.describedBy(errors, 'callbackUrl')}
          @input=${(e: Event) => this.edit({ callbackUrl: (e.target as HTMLInputElement).value }, 'callbackUrl')} />
      </label>
      ${this.errorFor(errors, 'callbackUrl')}
      <label class="stack">Callback body
        <textarea id="callbackBody" spellcheck="false" .value=${d.callbackBody}
          placeholder="bucket=\${bucket}&object=\${object}&size=\${size}"
          aria-invalid=${errors.callbackBody ? 'true' : 'false'}
          aria-describedby=${this.describedBy(errors, 'callbackBody', 'callbackBody-hint')}
          @input=${(e: Event) => this.edit({ callbackBody: (e.target as HTMLTextAreaElement).value }, 'callbackBody')}></textarea>
      </label>
      <p class="hint" id="callbackBody-hint">OSS fills in \${bucket}, \${object}, \${etag}, \${size}, \${mimeType} and your own \${x:name}.</p>
      ${this.errorFor(errors, 'callbackBody')}
      <div role="radiogroup" aria-label="Callback body type">${type('form', 'Form (application/x-www-form-urlencoded)')} ${type('json', 'JSON')}</div>
    </fieldset>`;
  }

  override render() {
    const errors = this.visibleErrors();
    return html`<form novalidate @submit=${this.save}>
      ${this.renderPartSize(errors)} ${this.renderParallel(errors)} ${this.renderObject(errors)}
      ${this.renderRows(errors, 'metadata')} ${this.renderRows(errors, 'tags')} ${this.renderCallback(errors)}
      <div class="actions">
        <button class="primary" type="submit">Save settings</button>
        <button type="button" @click=${this.reset}>Reset to defaults</button>
        <span role="status" aria-live="polite" class=${this.status.startsWith('Not') ? 'error' : ''}>${this.status}</span>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-view': SettingsView;
  }
}
