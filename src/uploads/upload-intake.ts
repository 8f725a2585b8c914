// Files chosen or dropped → queued in the engine, one batch at a time: two quick picks of the same
// file must see each other, even before the engine's next snapshot lists the first.

import type { EnqueueItem, UploadView } from '../../lib/protocol/messages.ts';
import type { UploadOptions } from '../../lib/protocol/upload-options.ts';
import type { PickedFile } from './picked-files.ts';
import { prepareBatch, type UploadIdentity } from './prepare-batch.ts';
import { isFinished, stateInWords } from './upload-words.ts';

export interface IntakeDeps {
  /** The token service's key prefix (asked for at the first pick, not on load). */
  tokenPrefix(): Promise<string>;
  optionsFor(key: string, size: number): UploadOptions;
  enqueue(items: EnqueueItem[]): Promise<string[]>;
}

export interface IntakeOutcome {
  queued: number;
  refused: string[];
  duplicates: string[];
  /** The hand-over failed as a whole (worker, credentials, storage); nothing of the batch was queued. */
  error?: string;
}

export class UploadIntake {
  private uploads: readonly UploadView[] = [];
  /** Queued here but not yet in a snapshot. */
  private readonly justQueued = new Map<string, UploadIdentity>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: IntakeDeps) {}

  /** The latest snapshot: what is already being uploaded. */
  seen(uploads: readonly UploadView[]): void {
    this.uploads = uploads;
    for (const u of uploads) this.justQueued.delete(u.id);
  }

  add(picked: readonly PickedFile[], ownPrefix: string): Promise<IntakeOutcome> {
    const run = this.chain.then(() => this.addNow(picked, ownPrefix));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async addNow(picked: readonly PickedFile[], ownPrefix: string): Promise<IntakeOutcome> {
    let tokenPrefix: string;
    try {
      tokenPrefix = await this.deps.tokenPrefix();
    } catch (error) {
      return {
        queued: 0,
        refused: [],
        duplicates: [],
        error: `Could not start uploads: ${(error as Error).message}`,
      };
    }
    const unfinished = [
      ...this.uploads.filter((u) => !isFinished(u)).map((u) => ({ ...u, stateWords: stateInWords(u) })),
      // A snapshot may have listed one before its id came back: the list then speaks for it.
      ...[...this.justQueued]
        .filter(([id]) => !this.uploads.some((u) => u.id === id))
        .map(([, u]) => ({ ...u, stateWords: 'queued' })),
    ];
    const batch = prepareBatch(picked, {
      tokenPrefix,
      ownPrefix,
      unfinished,
      optionsFor: this.deps.optionsFor,
    });
    const outcome: IntakeOutcome = { queued: 0, refused: batch.refused, duplicates: batch.duplicates };
    if (batch.items.length === 0) return outcome;
    try {
      const ids = await this.deps.enqueue(batch.items);
      ids.forEach((id, i) => {
        const item = batch.items[i];
        if (item) {
          this.justQueued.set(id, {
            key: item.options.key,
            size: item.file.size,
            lastModified: item.file.lastModified,
          });
        }
      });
      outcome.queued = batch.items.length;
    } catch (error) {
      outcome.error = (error as Error).message;
    }
    return outcome;
  }
}
