// An upload as people read it: its state, progress, speed and time left in words. The numbers go
// through src/dashboard/format.ts, so sizes and rates read the same in every view.

import type { UploadView } from '../../lib/protocol/messages.ts';
import { formatAge, formatBytes, formatRate } from '../dashboard/format.ts';

/**
 * An upload's state in words, as people (and the e2e tests) read it. A failure keeps its reason,
 * which the engine words as what went wrong and what to do.
 */
export function stateInWords(upload: UploadView): string {
  switch (upload.state) {
    case 'queued':
      return 'queued';
    case 'uploading':
      return upload.retrying ? `retrying — attempt ${upload.attempt}` : 'uploading';
    case 'completing':
      return 'completing';
    case 'waiting-for-network':
      return 'waiting for network';
    case 'paused':
      return 'paused';
    case 'needs-file':
      return 'needs the file again';
    case 'failed':
      return `failed: ${upload.problem?.message ?? 'unknown reason'}`;
    case 'done':
      return upload.problem ? `done (${upload.problem.message})` : 'done';
    case 'aborted':
      return 'aborted';
  }
}

/**
 * "next try in 4 s" while parts wait out a backoff. Kept apart from the state so the live region
 * announces the attempt once rather than every second of the countdown.
 */
export function nextTryInWords(upload: UploadView, now: number): string | undefined {
  if (!upload.retrying || upload.nextTryAt === undefined) return undefined;
  return `next try in ${Math.max(0, Math.ceil((upload.nextTryAt - now) / 1000))} s`;
}

/** Bytes to show on the progress bar: confirmed plus the estimate for parts in flight. */
export function bytesShown(upload: UploadView): number {
  if (upload.state === 'done') return upload.size;
  return Math.min(upload.size, upload.bytesConfirmed + upload.bytesInFlight);
}

/** "1.5 MiB of 40 MiB (3 %)". */
export function progressInWords(upload: UploadView): string {
  const shown = bytesShown(upload);
  const percent =
    upload.size > 0 ? Math.floor((shown / upload.size) * 100) : upload.state === 'done' ? 100 : 0;
  return `${formatBytes(shown)} of ${formatBytes(upload.size)} (${percent} %)`;
}

/** "3.2 MB/s, 12 s left" while bytes move; undefined when idle. */
export function speedInWords(upload: UploadView): string | undefined {
  if (!(upload.speed > 0)) return undefined;
  const eta = upload.etaSeconds;
  const left = eta !== undefined && Number.isFinite(eta) ? `, ${formatAge(Math.ceil(eta) * 1000)} left` : '';
  return `${formatRate(upload.speed)}${left}`;
}

/** States in which nothing more will happen to an upload. */
export function isFinished(upload: Pick<UploadView, 'state'>): boolean {
  return upload.state === 'done' || upload.state === 'aborted';
}

/** "2 uploading, 1 waiting for network, 4 done": how many uploads are in each kind of state. */
export function countsInWords(uploads: readonly UploadView[]): string {
  const order: [string, (u: UploadView) => boolean][] = [
    ['uploading', (u) => u.state === 'uploading' || u.state === 'completing'],
    ['queued', (u) => u.state === 'queued'],
    ['waiting for network', (u) => u.state === 'waiting-for-network'],
    ['paused', (u) => u.state === 'paused'],
    ['need the file again', (u) => u.state === 'needs-file'],
    ['failed', (u) => u.state === 'failed'],
    ['done', (u) => u.state === 'done'],
    ['aborted', (u) => u.state === 'aborted'],
  ];
  const parts = order
    .map(([words, test]) => [uploads.filter(test).length, words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n} ${words}`);
  const total = `${uploads.length} ${uploads.length === 1 ? 'upload' : 'uploads'}`;
  return parts.length > 0 ? `${total}: ${parts.join(', ')}` : total;
}
