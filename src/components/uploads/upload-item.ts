import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { UploadCommand, UploadView } from '../../../lib/protocol/messages.ts';
import { formatBytes } from '../../dashboard/format.ts';
import { type PartCellState, partsFromCounts } from '../../dashboard/part-groups.ts';
import { PartStatesFeed } from '../../uploads/part-states-feed.ts';
import {
  bytesShown,
  isFinished,
  nextTryInWords,
  progressInWords,
  speedInWords,
  stateInWords,
} from '../../uploads/upload-words.ts';
import '../oss-problem.ts';
import '../part-map.ts';
import { controlStyles } from '../shared-styles.ts';

export type UploadAction =
  | { kind: 'command'; upload: UploadView; command: UploadCommand }
  | { kind: 'reselect'; upload: UploadView; file: File }
  | { kind: 'copy'; upload: UploadView };

/** Which commands an upload in this state takes (the engine refuses the others). */
function commandsFor(upload: UploadView): UploadCommand[] {
  switch (upload.state) {
    case 'queued':
    case 'uploading':
    case 'waiting-for-network':
      return ['pause', 'abort'];
    case 'paused':
      return ['resume', 'abort'];
    case 'failed':
      return ['retry', 'abort'];
    case 'needs-file':
    case 'completing':
      return ['abort'];
    case 'done':
    case 'aborted':
      return [];
  }
}

/** Fields of a view that what an item shows depends on (besides its problem and result). */
const SHOWN_FIELDS = [
  'id',
  'key',
  'fileName',
  'size',
  'state',
  'retrying',
  'attempt',
  'nextTryAt',
  'bytesConfirmed',
  'bytesInFlight',
  'partsDone',
  'partsTotal',
  'speed',
  'etaSeconds',
] as const satisfies readonly (keyof UploadView)[];

const COMMAND_LABELS: Record<UploadCommand, string> = {
  pause: 'Pause',
  resume: 'Resume',
  retry: 'Retry',
  abort: 'Abort',
};

/**
 * One upload: name, key and size; progress in bytes; its state in words (the live region);
 * speed and time left; what went wrong; the part map while parts move; and what can be done
 * with it. Actions go up as `upload-action` events, so the list decides how to carry them out.
 */
@customElement('upload-item')
export class UploadItem extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: grid; gap: 0.35rem; min-width: 0; }
      .head { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline; }
      .file { font-weight: 600; }
      .key { font-size: 0.875rem; }
      .key code { font-size: 0.95em; }
      progress { width: 100%; height: 0.75rem; accent-color: var(--sl-accent); }
      .line { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-variant-numeric: tabular-nums; }
      .state { font-weight: 600; }
      [data-state='done'] .state { color: var(--sl-ok); }
      [data-state='failed'] .state { color: var(--sl-error); }
      .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
      .reselect { display: grid; gap: 0.25rem; }
      details summary { cursor: pointer; color: var(--sl-muted); font-size: 0.875rem; }
      p { margin: 0; }
    `,
  ];

  @property({ attribute: false }) upload!: UploadView;
  /** The clock for the retry countdown; the list ticks it while something waits to retry. */
  @property({ attribute: false }) now = Date.now();
  @state() private partStates?: PartCellState[];
  private readonly feed = new PartStatesFeed((states) => {
    this.partStates = states;
  });

  override disconnectedCallback() {
    this.feed.stop();
    super.disconnectedCallback();
  }

  /** The view the last render showed; a snapshot that changes none of what is shown renders nothing. */
  private shown?: UploadView;

  /**
   * Snapshots arrive ten times a second with a fresh object for every upload: with a thousand queued,
   * re-rendering each of them every time would keep the page busy. Only what the item shows counts
   * (compared field by field, nothing formatted), and the clock only while a retry counts down.
   */
  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    const u = this.upload;
    if (!u) return true;
    // The part map asks the worker for part states on every snapshot, shown or not.
    if (changed.has('upload') && this.showsPartMap()) this.feed.changed(u);
    const before = this.shown;
    const same =
      before !== undefined &&
      !changed.has('partStates' as keyof UploadItem) &&
      !(changed.has('now') && u.retrying) &&
      SHOWN_FIELDS.every((field) => before[field] === u[field]) &&
      before.problem?.message === u.problem?.message &&
      before.result?.etag === u.result?.etag;
    this.shown = u;
    return !same;
  }

  /**
   * Multi-part uploads under way. Once done the engine keeps no parts to show, and a map of parts
   * never started (an upload refused at the outset) says nothing.
   */
  private showsPartMap(): boolean {
    const u = this.upload;
    if (u.partsTotal <= 1 || isFinished(u)) return false;
    return u.partsDone > 0 || u.state !== 'failed';
  }

  /** The stored states when they match the plan, else the snapshot's counts laid out in order. */
  private parts(): readonly PartCellState[] {
    const u = this.upload;
    if (this.partStates?.length === u.partsTotal) return this.partStates;
    return partsFromCounts({ done: u.partsDone, pending: u.partsTotal - u.partsDone });
  }

  private act(action: UploadAction) {
    this.dispatchEvent(
      new CustomEvent<UploadAction>('upload-action', { detail: action, bubbles: true, composed: true }),
    );
  }

  private onReselect(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) this.act({ kind: 'reselect', upload: this.upload, file });
  }

  private renderState() {
    const u = this.upload;
    // A failure's reason is said by <oss-problem> below; the live region still carries it for
    // screen readers, hidden from sight so it is not shown twice.
    const words =
      u.state === 'failed'
        ? html`failed<span class="visually-hidden">: ${u.problem?.message ?? 'unknown reason'}</span>`
        : stateInWords(u);
    return html`<span role="status" aria-live="polite" class="state">${words}</span>`;
  }

  override render() {
    const u = this.upload;
    if (!u) return nothing;
    const nextTry = nextTryInWords(u, this.now);
    const speed = speedInWords(u);
    return html`<div class="wrap" data-state=${u.state}>
      <div class="head">
        <span class="file name">${u.fileName}</span>
        <span class="size muted">${formatBytes(u.size)}</span>
      </div>
      <p class="key muted">Key: <code class="name">${u.key}</code></p>
      <progress max=${u.size || 1} value=${u.size === 0 && u.state === 'done' ? 1 : bytesShown(u)}
        aria-label="Progress of ${u.fileName}" aria-valuetext=${progressInWords(u)}></progress>
      <div class="line">
        ${this.renderState()}
        ${nextTry ? html`<span class="next-try">${nextTry}</span>` : nothing}
        <span class="bytes">${progressInWords(u)}</span>
        ${speed ? html`<span class="speed">${speed}</span>` : nothing}
      </div>
      ${u.state === 'failed' && u.problem ? html`<oss-problem .problem=${u.problem}></oss-problem>` : nothing}
      ${
        u.state === 'needs-file'
          ? html`<div class="reselect">
              ${u.problem ? html`<p>${u.problem.message}</p>` : nothing}
              <label>Select ${u.fileName} again <input type="file" @change=${this.onReselect} /></label>
            </div>`
          : nothing
      }
      ${
        this.showsPartMap()
          ? html`<details open><summary>Parts (${u.partsDone} of ${u.partsTotal} done)</summary>
              <part-map .parts=${this.parts()}></part-map></details>`
          : nothing
      }
      <div class="actions">
        ${commandsFor(u).map(
          (command) => html`<button class=${command === 'abort' ? 'danger' : ''} data-command=${command}
            aria-label="${COMMAND_LABELS[command]} ${u.fileName}"
            @click=${() => this.act({ kind: 'command', upload: u, command })}>${COMMAND_LABELS[command]}</button>`,
        )}
        ${
          u.state === 'done'
            ? html`<button aria-label="Copy the address of ${u.fileName}"
                @click=${() => this.act({ kind: 'copy', upload: u })}>Copy address</button>`
            : nothing
        }
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-item': UploadItem;
  }
}
