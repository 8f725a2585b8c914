// What a page knows of the uploads: the unfinished ones as the latest snapshot lists them, and the
// finished ones it has been told about — the newest page from hello, older pages on request, and
// each upload that finishes while the page is open (snapshots carry only those, never the whole
// history, which may hold thousands). Merged by id, so repeats are harmless.
import type {
  AfterPageCloses,
  HistoryCursor,
  UploadReply,
  UploadSnapshotMessage,
  UploadView,
} from '../../lib/protocol/messages.ts';

type HistoryPage = Pick<UploadReply & { ok: true }, 'history' | 'historyMore'>;
type Hello = HistoryPage & Pick<UploadReply & { ok: true }, 'uploads' | 'afterPageCloses'>;

export class UploadFeed {
  private unfinished: UploadView[] = [];
  private readonly finished = new Map<string, UploadView>();
  private heardBroadcast = false;
  /** Older finished uploads exist than those held. */
  historyMore = false;
  /** What becomes of unfinished uploads with no page open, as the worker said in its hello. */
  afterPageCloses: AfterPageCloses | undefined;

  snapshot(message: Pick<UploadSnapshotMessage, 'uploads' | 'finished'>): void {
    this.heardBroadcast = true;
    this.unfinished = message.uploads;
    this.add(message.finished);
  }

  /** The hello answer; a snapshot heard meanwhile is at least as new for unfinished uploads. */
  hello(reply: Hello): void {
    if (!this.heardBroadcast) this.unfinished = reply.uploads ?? [];
    this.afterPageCloses = reply.afterPageCloses;
    this.page(reply);
  }

  /** A page of older history (upload/history). */
  page(reply: HistoryPage): void {
    this.add(reply.history ?? []);
    this.historyMore = reply.historyMore ?? false;
  }

  /** Where the next older page starts: the oldest finished upload held. */
  cursor(): HistoryCursor | undefined {
    let oldest: UploadView | undefined;
    for (const view of this.finished.values()) {
      if (!oldest || isOlder(view, oldest)) oldest = view;
    }
    return oldest ? { finishedAt: oldest.finishedAt ?? 0, id: oldest.id } : undefined;
  }

  /** Unfinished uploads, then finished ones newest first. */
  views(): UploadView[] {
    const finished = [...this.finished.values()].sort((a, b) => (isOlder(a, b) ? 1 : -1));
    return [...this.unfinished.filter((u) => !this.finished.has(u.id)), ...finished];
  }

  private add(views: readonly UploadView[]): void {
    for (const view of views) this.finished.set(view.id, view);
  }
}

/** History order: by finishing time, ties broken by id, as the worker pages it. */
function isOlder(a: UploadView, b: UploadView): boolean {
  const at = a.finishedAt ?? 0;
  const bt = b.finishedAt ?? 0;
  return at < bt || (at === bt && a.id < b.id);
}
