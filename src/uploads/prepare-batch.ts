// From chosen files to what is handed to the engine: each gets its key and the options the
// settings make (uploadOptionsFor), keys OSS would refuse are refused here with a message that
// says what to do, and a file already among the unfinished uploads is not queued a second time.

import type { EnqueueItem } from '../../lib/protocol/messages.ts';
import { type UploadOptions, validateUploadOptions } from '../../lib/protocol/upload-options.ts';
import { objectKey, shortName } from './key-prefix.ts';
import type { PickedFile } from './picked-files.ts';

/** What makes two picks the same upload: the same file (size, modification time) to the same key. */
export interface UploadIdentity {
  key: string;
  size: number;
  lastModified: number;
}

export const identityOf = (u: UploadIdentity) => JSON.stringify([u.key, u.size, u.lastModified]);

export interface BatchContext {
  tokenPrefix: string;
  ownPrefix: string;
  /** Uploads not yet done or aborted, with their state in words for the message. */
  unfinished: readonly (UploadIdentity & { stateWords: string })[];
  /** The settings applied to one file (src/settings/apply-settings.ts); may throw with a message for people. */
  optionsFor(key: string, size: number): UploadOptions;
}

export interface PreparedBatch {
  items: EnqueueItem[];
  /** Files not queued because OSS would refuse them or the settings do not fit; what to do, in words. */
  refused: string[];
  /** Files not queued because they are already being uploaded. */
  duplicates: string[];
}

function refusal(path: string, problem: string): string {
  const hint = problem.includes('object key')
    ? ' Rename it or shorten the key prefix.'
    : ' Change it in Settings.';
  return `${shortName(path)} was not queued: ${problem}${hint}`;
}

export function prepareBatch(picked: readonly PickedFile[], context: BatchContext): PreparedBatch {
  const batch: PreparedBatch = { items: [], refused: [], duplicates: [] };
  const known = new Map(context.unfinished.map((u) => [identityOf(u), u.stateWords]));
  for (const { file, relativePath } of picked) {
    const key = objectKey(context.tokenPrefix, context.ownPrefix, relativePath);
    const identity = identityOf({ key, size: file.size, lastModified: file.lastModified });
    const already = known.get(identity);
    if (already !== undefined) {
      batch.duplicates.push(
        `${shortName(relativePath)} is already in the list (${already}), so it was not added again.`,
      );
      continue;
    }
    let options: UploadOptions;
    try {
      options = context.optionsFor(key, file.size);
    } catch (error) {
      // SettingsDoNotFitError starts with the key, which can be a thousand characters long.
      const message = (error as Error).message;
      batch.refused.push(
        `${shortName(relativePath)} was not queued: ${message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message}`,
      );
      continue;
    }
    const problems = validateUploadOptions(options);
    if (problems.length > 0) {
      batch.refused.push(refusal(relativePath, problems.join(' ')));
      continue;
    }
    known.set(identity, 'chosen twice');
    batch.items.push({ file, options });
  }
  return batch;
}
