// What the dashboard knows and does, without rendering: the unfinished uploads under the prefix
// (each marked as this browser's or an orphan), the selected upload's parts, and aborting.

import type { ListedPart, ListedUpload } from '../../lib/oss-client/oss-client.ts';
import type { UploadProblem } from '../../lib/protocol/messages.ts';
import type { DashboardOss } from './multipart-api.ts';
import { toProblem } from './oss-problem.ts';

export interface DashboardUpload extends ListedUpload {
  /** Recorded by this browser's upload engine; false = an orphan. */
  mine: boolean;
  /** ms since the epoch; NaN when OSS sent a date we cannot read. */
  initiatedAt: number;
}

export interface UploadRef {
  key: string;
  uploadId: string;
}

export interface SelectedUpload extends UploadRef {
  parts?: ListedPart[];
  totalBytes: number;
  /** Bytes per second between the last two polls, when both saw the upload. */
  rate?: number;
  problem?: UploadProblem;
}

export interface AbortOutcome {
  aborted: number;
  failed: { upload: UploadRef; problem: UploadProblem }[];
}

export interface DashboardDeps {
  connect: () => Promise<DashboardOss>;
  localUploadIds: () => Promise<Set<string>>;
  now?: () => number;
  onChange: () => void;
}

const HOUR_MS = 3_600_000;
/** Parallel aborts for the bulk clean-up: quick, without flooding the connection. */
const ABORT_CONCURRENCY = 4;

/** Uploads this browser does not know that were initiated at least `hours` before `now`. */
export function orphansOlderThan(
  uploads: readonly DashboardUpload[],
  hours: number,
  now: number,
): DashboardUpload[] {
  const cutoff = now - hours * HOUR_MS;
  return uploads.filter((u) => !u.mine && u.initiatedAt <= cutoff);
}

const sameUpload = (a: UploadRef | undefined, b: UploadRef) =>
  a !== undefined && a.key === b.key && a.uploadId === b.uploadId;

export class DashboardState {
  uploads: DashboardUpload[] = [];
  listProblem?: UploadProblem;
  selected?: SelectedUpload;
  bucket = '';
  prefix = '';
  /** The list holds every user's uploads (the person administers Skylift). */
  allUsers = false;
  /** True once a listing succeeded: distinguishes "none" from "not known yet". */
  listed = false;
  private oss?: Promise<DashboardOss>;
  private partsPolledAt?: number;
  private readonly now: () => number;

  constructor(private readonly deps: DashboardDeps) {
    this.now = deps.now ?? Date.now;
  }

  private connection(): Promise<DashboardOss> {
    this.oss ??= this.deps.connect().then(
      (oss) => {
        this.bucket = oss.bucket;
        this.prefix = oss.prefix;
        this.allUsers = oss.allUsers;
        return oss;
      },
      (error: unknown) => {
        this.oss = undefined; // a later poll tries again (offline, token service down)
        throw error;
      },
    );
    return this.oss;
  }

  /** One polling round: the list, then the selected upload's parts. Failures are shown, not thrown. */
  async poll(): Promise<void> {
    try {
      const { api, prefix } = await this.connection();
      const [listed, mine] = await Promise.all([api.listUploads(prefix), this.deps.localUploadIds()]);
      this.uploads = listed.map((u) => ({
        ...u,
        mine: mine.has(u.uploadId),
        initiatedAt: Date.parse(u.initiated),
      }));
      this.listProblem = undefined;
      this.listed = true;
    } catch (error) {
      this.listProblem = toProblem(error);
    }
    this.deps.onChange();
    await this.refreshParts();
  }

  /** Shows an upload's parts; also for a link to an upload the list does not (or no longer) show. */
  async select(ref: UploadRef | undefined): Promise<void> {
    this.selected = ref ? { key: ref.key, uploadId: ref.uploadId, totalBytes: 0 } : undefined;
    this.partsPolledAt = undefined;
    this.deps.onChange();
    await this.refreshParts();
  }

  private async refreshParts(): Promise<void> {
    const selected = this.selected;
    if (!selected) return;
    let next: SelectedUpload;
    try {
      const { api } = await this.connection();
      const parts = await api.listParts(selected.key, selected.uploadId);
      const totalBytes = parts.reduce((sum, p) => sum + p.size, 0);
      const at = this.now();
      const elapsed = this.partsPolledAt === undefined ? 0 : (at - this.partsPolledAt) / 1000;
      const rate =
        selected.parts && elapsed > 0 ? Math.max(0, (totalBytes - selected.totalBytes) / elapsed) : undefined;
      this.partsPolledAt = at;
      next = {
        key: selected.key,
        uploadId: selected.uploadId,
        parts,
        totalBytes,
        ...(rate === undefined ? {} : { rate }),
      };
    } catch (error) {
      next = { ...selected, problem: toProblem(error) };
    }
    // The person may have picked another upload while this one was loading.
    if (sameUpload(this.selected, next)) {
      this.selected = next;
      this.deps.onChange();
    }
  }

  orphansOlderThan(hours: number): DashboardUpload[] {
    return orphansOlderThan(this.uploads, hours, this.now());
  }

  /** Aborts each; one that OSS no longer knows (NoSuchUpload) is gone either way and counts as aborted. */
  async abort(uploads: readonly UploadRef[]): Promise<AbortOutcome> {
    const { api } = await this.connection();
    const outcome: AbortOutcome = { aborted: 0, failed: [] };
    const queue = [...uploads];
    const worker = async () => {
      for (let upload = queue.shift(); upload; upload = queue.shift()) {
        const ref = upload;
        try {
          await api.abort(ref.key, ref.uploadId);
          outcome.aborted++;
        } catch (error) {
          const problem = toProblem(error);
          if (problem.code !== 'NoSuchUpload') {
            outcome.failed.push({ upload: ref, problem });
            continue;
          }
          outcome.aborted++;
        }
        this.uploads = this.uploads.filter((u) => !sameUpload(u, ref));
        if (sameUpload(this.selected, ref)) this.selected = undefined;
        this.deps.onChange();
      }
    };
    await Promise.all(Array.from({ length: Math.min(ABORT_CONCURRENCY, uploads.length) }, worker));
    return outcome;
  }
}
