import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { AfterPageCloses, UploadView } from '../../lib/protocol/messages.ts';
import { EngineKeepAlive } from '../bridge/engine-keep-alive.ts';
import {
  command,
  enqueue,
  nudge,
  reselect,
  subscribe,
  type UploadSubscription,
} from '../bridge/upload-bridge.ts';
import { summarizeUploads, ThroughputHistory } from '../dashboard/throughput-history.ts';
import { uploadOptionsFor } from '../settings/apply-settings.ts';
import { afterCloseInWords } from '../uploads/after-close.ts';
import {
  activeCount,
  EndingTracker,
  notificationChoice,
  notificationFor,
  showBadge,
  showNotification,
} from '../uploads/finish-alerts.ts';
import { keyPrefixProblem, loadKeyPrefix, saveKeyPrefix, shortName } from '../uploads/key-prefix.ts';
import { type PickedFile, pickedFromDrop } from '../uploads/picked-files.ts';
import {
  type PersistenceState,
  persistenceInWords,
  StoragePersistence,
} from '../uploads/storage-persistence.ts';
import { UploadIntake } from '../uploads/upload-intake.ts';
import { objectAddress, uploadTarget } from '../uploads/upload-target.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './confirm-dialog.ts';
import { controlStyles } from './shared-styles.ts';
import type { NotifyAnswer } from './uploads/notify-prompt.ts';
import './uploads/notify-prompt.ts';
import type { UploadAction } from './uploads/upload-item.ts';
import './uploads/upload-item.ts';
import type { PrefixChange } from './uploads/upload-picker.ts';
import './uploads/upload-picker.ts';
import './uploads/upload-totals.ts';

/** "Not now" is remembered, so the offer does not come back with every upload. */
const NOTIFY_DECLINED_KEY = 'skylift.notify-declined.v1';

const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

/**
 * The upload view: add files (input, folder, drop anywhere on the page) under a key prefix, and
 * follow every upload of this browser as the engine reports it.
 */
@customElement('upload-queue')
export class UploadQueue extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
      ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
      li { background: var(--sl-surface); border: 1px solid var(--sl-border); border-radius: 8px; padding: 0.75rem 1rem;
        min-width: 0; }
      .alert p, .notices p { margin: 0.25rem 0; overflow-wrap: anywhere; }
      .alert { border-inline-start: 4px solid var(--sl-error); background: var(--sl-error-bg); padding: 0.5rem 0.75rem;
        border-radius: 4px; }
      .hint { margin: 0; }
      .empty { margin: 0; }
      section.totals { background: var(--sl-surface); border: 1px solid var(--sl-border); border-radius: 8px;
        padding: 0.75rem 1rem; }
      h3 { margin: 0 0 0.5rem; font-size: 1.05rem; }
      .drop-overlay { position: fixed; inset: 0; display: grid; place-items: center; pointer-events: none; z-index: 10;
        background: color-mix(in srgb, var(--sl-bg) 80%, transparent); border: 4px dashed var(--sl-accent);
        font-size: 1.5rem; font-weight: 600; }
    `,
  ];

  @state() private uploads: UploadView[] = [];
  @state() private errors: string[] = [];
  @state() private notices: string[] = [];
  @state() private ownPrefix = loadKeyPrefix();
  @state() private prefixProblem = keyPrefixProblem(this.ownPrefix);
  @state() private tokenPrefix?: string;
  @state() private dragging = false;
  @state() private now = Date.now();
  @state() private samples: readonly number[] = [];
  @state() private offerNotifications = false;
  /** What becomes of unfinished uploads once no page is open, as the worker said. */
  @state() private afterPageCloses?: AfterPageCloses;
  @state() private persistence: PersistenceState = 'unknown';
  @query('confirm-dialog') private confirmDialog!: ConfirmDialog;

  private readonly intake = new UploadIntake({
    tokenPrefix: async () => {
      this.tokenPrefix = (await uploadTarget()).prefix;
      return this.tokenPrefix;
    },
    optionsFor: (key, size) => uploadOptionsFor(key, size),
    enqueue,
  });
  private readonly history = new ThroughputHistory();
  private readonly keepAlive = new EngineKeepAlive(nudge);
  private readonly storage = new StoragePersistence(navigator.storage, (state) => {
    this.persistence = state;
  });
  private readonly endings = new EndingTracker();
  private subscription?: UploadSubscription;
  /** Older finished uploads exist than the page holds ("Show older uploads"). */
  @state() private historyMore = false;
  private ticker?: ReturnType<typeof setInterval>;

  private readonly onDragOver = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  };
  private readonly onDragLeave = (event: DragEvent) => {
    // Leaving one element for another also fires dragleave; only leaving the window has no target.
    if (event.relatedTarget === null) this.dragging = false;
  };
  private readonly onDrop = (event: DragEvent) => {
    this.dragging = false;
    if (!event.dataTransfer || !hasFiles(event)) return;
    event.preventDefault();
    const picked = pickedFromDrop(event.dataTransfer);
    if (location.hash && location.hash !== '#/') location.hash = '#/';
    picked.then(
      (files) => this.add(files),
      (error: Error) => {
        this.errors = [`Could not read what was dropped: ${error.message}`];
      },
    );
  };

  override connectedCallback() {
    super.connectedCallback();
    this.subscription = subscribe((uploads, historyMore, afterPageCloses) => {
      this.historyMore = historyMore;
      this.afterPageCloses = afterPageCloses;
      this.onSnapshot(uploads);
    });
    void this.storage.check();
    document.addEventListener('dragover', this.onDragOver);
    document.addEventListener('dragleave', this.onDragLeave);
    document.addEventListener('drop', this.onDrop);
  }

  override disconnectedCallback() {
    this.subscription?.close();
    this.keepAlive.stop();
    document.removeEventListener('dragover', this.onDragOver);
    document.removeEventListener('dragleave', this.onDragLeave);
    document.removeEventListener('drop', this.onDrop);
    clearInterval(this.ticker);
    this.ticker = undefined;
    super.disconnectedCallback();
  }

  private onSnapshot(uploads: UploadView[]) {
    // Newest first: what was just added appears where the person is looking.
    this.uploads = [...uploads].sort((a, b) => b.createdAt - a.createdAt);
    this.intake.seen(uploads);
    if (this.history.add(summarizeUploads(uploads).rate, Date.now())) this.samples = this.history.values();
    showBadge(activeCount(uploads));
    this.keepAlive.update(activeCount(uploads) > 0);
    const message = notificationFor(this.endings.next(uploads));
    if (message && document.hidden) void showNotification(message).catch(() => undefined);
    this.tickWhileRetrying();
  }

  /** A one-second clock for "next try in n s", running only while something waits to retry. */
  private tickWhileRetrying() {
    const retrying = this.uploads.some((u) => u.retrying);
    if (retrying && this.ticker === undefined) {
      this.ticker = setInterval(() => {
        this.now = Date.now();
      }, 1000);
    } else if (!retrying && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.now = Date.now();
  }

  private async add(picked: PickedFile[]) {
    if (picked.length === 0) return;
    if (this.prefixProblem) {
      this.errors = [`Fix the key prefix first: ${this.prefixProblem}`];
      return;
    }
    // Asked beside the hand-over, never before it: Firefox waits for the person to answer a prompt.
    this.storage.ask();
    const outcome = await this.intake.add(picked, this.ownPrefix);
    this.errors = [...(outcome.error ? [outcome.error] : []), ...outcome.refused];
    this.notices = [
      ...(outcome.queued > 0 ? [`Added ${outcome.queued} ${outcome.queued === 1 ? 'file' : 'files'}.`] : []),
      ...outcome.duplicates,
    ];
    if (
      outcome.queued > 0 &&
      notificationChoice() === 'default' &&
      !localStorage.getItem(NOTIFY_DECLINED_KEY)
    ) {
      this.offerNotifications = true;
    }
  }

  private onPrefix(event: CustomEvent<PrefixChange>) {
    this.ownPrefix = event.detail.prefix;
    this.prefixProblem = event.detail.problem;
    if (!event.detail.problem) saveKeyPrefix(event.detail.prefix);
  }

  private async onNotifyAnswer(event: CustomEvent<NotifyAnswer>) {
    this.offerNotifications = false;
    if (event.detail === 'not-now') {
      localStorage.setItem(NOTIFY_DECLINED_KEY, '1');
      return;
    }
    const permission = await Notification.requestPermission();
    this.notices = [
      permission === 'granted'
        ? 'Notifications are on: you will hear when uploads finish or fail while Skylift is in the background.'
        : 'Notifications are blocked; the browser’s site settings can allow them later.',
    ];
  }

  private async onAction(event: CustomEvent<UploadAction>) {
    const action = event.detail;
    const name = shortName(action.upload.fileName);
    try {
      if (action.kind === 'reselect') {
        await reselect(action.upload.id, action.file);
      } else if (action.kind === 'copy') {
        const address = await objectAddress(action.upload.key);
        // Feature-detected: no Clipboard API means "select it to copy", as when writing is refused.
        const write = navigator.clipboard?.writeText(address) ?? Promise.reject(new Error('no clipboard'));
        await write.then(
          () => {
            this.notices = [`Copied the address of ${name}: ${address}`];
          },
          () => {
            this.notices = [`The address of ${name} (copying was refused; select it to copy): ${address}`];
          },
        );
      } else if (action.command === 'abort') {
        const confirmed = await this.confirmDialog.ask({
          title: 'Abort this upload?',
          lines: [action.upload.key, 'OSS deletes the parts uploaded so far; this cannot be undone.'],
          confirmLabel: 'Abort upload',
        });
        if (confirmed) await command(action.upload.id, 'abort');
      } else {
        await command(action.upload.id, action.command);
      }
      this.errors = [];
    } catch (error) {
      this.errors = [`${name}: ${(error as Error).message}`];
    }
  }

  private renderList() {
    if (this.uploads.length === 0) {
      return html`<p class="empty muted">No uploads yet. Choose files above, or drop them anywhere on this page.</p>`;
    }
    return html`<section class="totals" aria-labelledby="totals-heading">
        <h3 id="totals-heading">All uploads</h3>
        <upload-totals .uploads=${this.uploads} .samples=${this.samples}></upload-totals>
      </section>
      <ul aria-label="Uploads" @upload-action=${this.onAction}>
        ${this.uploads.map(
          (u) => html`<li data-upload-id=${u.id} data-state=${u.state}>
            <upload-item .upload=${u} .now=${this.now}></upload-item>
          </li>`,
        )}
      </ul>
      ${
        this.historyMore
          ? html`<button class="older" @click=${() => this.subscription?.loadOlder()}>Show older uploads</button>`
          : nothing
      }`;
  }

  override render() {
    const afterClose = afterCloseInWords(this.afterPageCloses, activeCount(this.uploads));
    const persistence = persistenceInWords(this.persistence);
    return html`
      <upload-picker .ownPrefix=${this.ownPrefix} .tokenPrefix=${this.tokenPrefix} .problem=${this.prefixProblem}
        ?dragging=${this.dragging} @files-picked=${(e: CustomEvent<PickedFile[]>) => this.add(e.detail)}
        @prefix-change=${this.onPrefix}></upload-picker>
      ${
        this.errors.length > 0
          ? html`<div role="alert" class="alert">${this.errors.map((e) => html`<p>${e}</p>`)}</div>`
          : nothing
      }
      <div role="status" class="notices">${this.notices.map((n) => html`<p>${n}</p>`)}</div>
      ${this.offerNotifications ? html`<notify-prompt @notify-answer=${this.onNotifyAnswer}></notify-prompt>` : nothing}
      ${afterClose ? html`<p class="hint muted" id="after-close">${afterClose}</p>` : nothing}
      ${persistence ? html`<p class="hint muted" id="storage-persistence">${persistence}</p>` : nothing}
      ${this.renderList()}
      ${this.dragging ? html`<div class="drop-overlay" aria-hidden="true">Drop to upload</div>` : nothing}
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-queue': UploadQueue;
  }
}
