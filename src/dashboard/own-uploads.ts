// Which OSS multipart uploads this browser's upload engine owns, as the worker reports them with each
// upload (UploadView.ossUploadId). Every other unfinished upload under the prefix was started by
// another device or by a run that crashed before recording it: an orphan.
import type { UploadView } from '../../lib/protocol/messages.ts';

/** How long the dashboard waits for the worker's first answer before treating nothing as its own. */
const FIRST_ANSWER_TIMEOUT_MS = 5_000;

export class OwnUploads {
  private ids?: Set<string>;
  private readonly waiting: ((ids: Set<string>) => void)[] = [];

  /** The worker's latest list of uploads (hello answer or snapshot). */
  update(views: readonly UploadView[]): void {
    this.ids = new Set(views.flatMap((v) => (v.ossUploadId ? [v.ossUploadId] : [])));
    for (const resolve of this.waiting.splice(0)) resolve(this.ids);
  }

  /** The ids, once the worker has told them; an empty set if it stays silent (no worker yet). */
  known(): Promise<Set<string>> {
    if (this.ids) return Promise.resolve(this.ids);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      setTimeout(() => resolve(this.ids ?? new Set()), FIRST_ANSWER_TIMEOUT_MS);
    });
  }
}
