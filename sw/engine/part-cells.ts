// A stored part → the cell the part map shows: sent now, waiting out a backoff, stuck with the
// upload, done or not yet. The worker answers upload/parts with these; pages never read its database.
import type { PartCellState, UploadState } from '../../lib/protocol/messages.ts';
import type { PartRecord } from '../store/schema.ts';

export function cellState(
  part: Pick<PartRecord, 'state' | 'attempts' | 'nextTryAt' | 'lastError'>,
  uploadState: UploadState,
  now: number,
): PartCellState {
  if (part.state === 'done') return 'done';
  if (part.state === 'sending') return uploadState === 'uploading' ? 'uploading' : 'pending';
  if (part.lastError !== undefined && part.attempts > 0) {
    if (uploadState === 'failed') return 'failed';
    if (part.nextTryAt > now) return 'retrying';
  }
  return 'pending';
}
