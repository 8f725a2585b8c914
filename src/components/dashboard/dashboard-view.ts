import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { createCredentialsProvider } from '../../../lib/credentials/credentials-provider.ts';
import type { UploadProblem } from '../../../lib/protocol/messages.ts';
import { subscribe, type UploadSubscription } from '../../bridge/upload-bridge.ts';
import { type AbortOutcome, DashboardState, type UploadRef } from '../../dashboard/dashboard-state.ts';
import { uploadFromHash } from '../../dashboard/deep-link.ts';
import { connectDashboardOss } from '../../dashboard/multipart-api.ts';
import { toProblem } from '../../dashboard/oss-problem.ts';
import { OwnUploads } from '../../dashboard/own-uploads.ts';
import { Poller } from '../../dashboard/poller.ts';
import {
  summarizeUploads,
  ThroughputHistory,
  type ThroughputSnapshot,
} from '../../dashboard/throughput-history.ts';
import type { ConfirmDialog } from '../confirm-dialog.ts';
import '../confirm-dialog.ts';
import '../oss-problem.ts';
import '../throughput-sparkline.ts';
import { controlStyles } from '../shared-styles.ts';
import './multipart-detail.ts';
import './multipart-list.ts';
import './orphan-cleanup.ts';

/**
 * The status page: unfinished multipart uploads in the bucket under the prefix, polled; this
 * browser's throughput; one upload's parts; aborting one or all old orphans. Polls only while
 * `active` (its view is shown).
 */
@customElement('dashboard-view')
export class DashboardView extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: grid; gap: 1.25rem; grid-template-columns: minmax(0, 1fr); }
      h2 { margin: 0; }
      h3 { margin: 0 0 0.5rem; font-size: 1.05rem; }
      section { min-width: 0; background: var(--sl-surface); border: 1px solid var(--sl-border); border-radius: 8px; padding: 0.75rem 1rem; }
      .toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
      .toolbar p { margin: 0; flex: 1 1 14rem; }
      .columns { display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); align-items: start; }
      .outcome { margin: 0.5rem 0 0; }
    `,
  ];

  /** Polls while true. */
  @property({ type: Boolean }) active = false;
  @state() private throughput: ThroughputSnapshot = {
    rate: 0,
    confirmedBytes: 0,
    totalBytes: 0,
    activeUploads: 0,
  };
  @state() private announcement = '';
  /** An upload stopped because the bucket's CORS rule hides a header it is verified by (the fix is in the message). */
  @state() private integrityProblem?: UploadProblem;
  @state() private outcome?: AbortOutcome;
  @query('confirm-dialog') private confirmDialog!: ConfirmDialog;

  private readonly credentials = createCredentialsProvider();
  private readonly own = new OwnUploads();
  private readonly model = new DashboardState({
    connect: () => connectDashboardOss(this.credentials),
    localUploadIds: () => this.own.known(),
    onChange: () => this.requestUpdate(),
  });
  private readonly poller = new Poller(() => this.model.poll(), { onChange: () => this.requestUpdate() });
  private readonly history = new ThroughputHistory();
  private subscription?: UploadSubscription;
  private readonly followHash = () => {
    const ref = uploadFromHash(location.hash);
    if (ref) void this.model.select(ref);
  };

  /** A background tab polls nothing; coming back refreshes at once. */
  private readonly followVisibility = () => {
    if (document.hidden) this.stopWatching();
    else if (this.active) this.startWatching();
  };

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.followHash);
    document.addEventListener('visibilitychange', this.followVisibility);
    this.followHash();
  }

  override disconnectedCallback() {
    window.removeEventListener('hashchange', this.followHash);
    document.removeEventListener('visibilitychange', this.followVisibility);
    this.stopWatching();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('active')) return;
    if (this.active && !document.hidden) this.startWatching();
    else this.stopWatching();
  }

  private startWatching() {
    this.poller.start();
    this.subscription ??= subscribe((uploads) => {
      this.own.update(uploads);
      this.integrityProblem = uploads.find((u) => u.problem?.code === 'HeaderNotExposed')?.problem;
      this.throughput = summarizeUploads(uploads);
      this.history.add(this.throughput.rate, Date.now());
    });
  }

  private stopWatching() {
    this.poller.stop();
    this.subscription?.close();
    this.subscription = undefined;
  }

  private async abortOne(ref: UploadRef) {
    const confirmed = await this.confirmDialog.ask({
      title: 'Abort this upload?',
      lines: [
        ref.key,
        'OSS deletes the parts uploaded so far. If a device is still sending this file, its upload fails.',
      ],
      confirmLabel: 'Abort upload',
    });
    if (confirmed) await this.runAbort([ref], `Aborted ${ref.key}.`);
  }

  private async abortOrphans(hours: number) {
    const orphans = this.model.orphansOlderThan(hours);
    if (orphans.length === 0) return;
    const confirmed = await this.confirmDialog.ask({
      title: `Abort ${orphans.length} ${orphans.length === 1 ? 'orphan' : 'orphans'}?`,
      lines: [
        `${orphans.length} ${orphans.length === 1 ? 'upload' : 'uploads'} that this browser did not start and that began more than ${hours} hours ago will be aborted and their parts deleted.`,
        ...orphans.slice(0, 5).map((o) => `• ${o.key}`),
        ...(orphans.length > 5 ? [`… and ${orphans.length - 5} more.`] : []),
      ],
      confirmLabel: `Abort ${orphans.length}`,
    });
    if (confirmed) await this.runAbort(orphans, `Aborted ${orphans.length} orphaned uploads.`);
  }

  private async runAbort(refs: readonly UploadRef[], success: string) {
    this.outcome = undefined;
    try {
      const outcome = await this.model.abort(refs);
      this.outcome = outcome;
      this.announcement =
        outcome.failed.length === 0
          ? success
          : `Aborted ${outcome.aborted}; ${outcome.failed.length} failed.`;
    } catch (error) {
      const problem = toProblem(error);
      this.outcome = { aborted: 0, failed: refs.map((upload) => ({ upload, problem })) };
      this.announcement = 'Could not abort.';
    }
  }

  private renderPolling() {
    const p = this.poller;
    const last = p.lastAt ? `last checked ${new Date(p.lastAt).toLocaleTimeString()}` : 'not checked yet';
    const status = p.busy
      ? 'Checking OSS…'
      : p.paused
        ? `Automatic refresh paused · ${last}`
        : `Refreshes every ${p.intervalMs / 1000} s · ${last}`;
    return html`<div class="toolbar">
      <p class="poll-status">${status}</p>
      <button aria-pressed=${p.paused ? 'true' : 'false'} @click=${() => (p.paused ? p.resume() : p.pause())}>
        ${p.paused ? 'Resume auto-refresh' : 'Pause auto-refresh'}
      </button>
      <button class="primary" ?disabled=${p.busy} @click=${() => p.refresh()}>Refresh now</button>
    </div>`;
  }

  override render() {
    const m = this.model;
    const orphans = m.uploads.filter((u) => !u.mine).length;
    const now = this.poller.lastAt ?? Date.now();
    const where = m.bucket ? `${m.bucket}/${m.prefix}` : 'the bucket';
    return html`
      ${this.renderPolling()}
      <p class="visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
      <section aria-labelledby="throughput-heading">
        <h3 id="throughput-heading">This browser’s uploads</h3>
        <oss-problem context="Verifying uploads" .problem=${this.integrityProblem}></oss-problem>
        <throughput-sparkline .samples=${this.history.values()} .totalBytes=${this.throughput.confirmedBytes}
          .ofBytes=${this.throughput.totalBytes || undefined}></throughput-sparkline>
        <p class="muted">${this.throughput.activeUploads} active ${this.throughput.activeUploads === 1 ? 'upload' : 'uploads'}</p>
      </section>
      <div class="columns">
        <section aria-labelledby="uploads-heading">
          <h3 id="uploads-heading">Unfinished uploads in <span class="name">${where}</span></h3>
          ${m.allUsers ? html`<p class="muted">Every user’s uploads: you administer Skylift. Uploads started elsewhere show as orphans.</p>` : null}
          <oss-problem context="Listing uploads" .problem=${m.listProblem}></oss-problem>
          <p class="summary" role="status" aria-live="polite">
            ${m.listed ? `${m.uploads.length} unfinished, ${orphans} ${orphans === 1 ? 'orphan' : 'orphans'}.` : 'Loading…'}
          </p>
          <orphan-cleanup .uploads=${m.uploads} .now=${now} @abort-orphans=${(e: CustomEvent<number>) => this.abortOrphans(e.detail)}></orphan-cleanup>
          ${this.outcome?.failed.map((f) => html`<oss-problem context=${`Aborting ${f.upload.key}`} .problem=${f.problem}></oss-problem>`)}
          <multipart-list .uploads=${m.uploads} .selected=${m.selected} .now=${now}
            @select=${(e: CustomEvent<UploadRef>) => m.select(e.detail)}
            @abort=${(e: CustomEvent<UploadRef>) => this.abortOne(e.detail)}></multipart-list>
        </section>
        <section aria-labelledby="detail-heading">
          <h3 id="detail-heading">Parts</h3>
          <multipart-detail .upload=${m.selected} @abort=${(e: CustomEvent<UploadRef>) => this.abortOne(e.detail)}></multipart-detail>
        </section>
      </div>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-view': DashboardView;
  }
}
