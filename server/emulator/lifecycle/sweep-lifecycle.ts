// Applies every bucket's enabled lifecycle rules at time `now`. The server runs this on an interval;
// tests call it directly with a chosen clock.

import type { Store } from '../persistence/store.ts';
import { DAY_MS } from './lifecycle-config.ts';

export interface SweepResult {
  abortedUploads: number;
  expiredObjects: number;
}

export async function sweepLifecycle(store: Store, now: number): Promise<SweepResult> {
  const result: SweepResult = { abortedUploads: 0, expiredObjects: 0 };
  for (const name of store.bucketNames()) {
    const bucket = store.bucket(name);
    for (const rule of bucket?.record.lifecycle ?? []) {
      if (!bucket || !rule.enabled) continue;
      if (rule.abortMultipartUploadDays !== undefined) {
        const cutoff = now - rule.abortMultipartUploadDays * DAY_MS;
        for (const upload of [...bucket.uploads.values()]) {
          const { key, uploadId, initiated } = upload.record;
          if (!key.startsWith(rule.prefix) || initiated > cutoff) continue;
          // The upload may have been completed or aborted meanwhile; then there is nothing to do.
          await store.abortUpload(name, uploadId, key).then(
            () => result.abortedUploads++,
            () => undefined,
          );
        }
      }
      if (rule.expirationDays !== undefined) {
        const cutoff = now - rule.expirationDays * DAY_MS;
        for (const object of [...bucket.objects.values()]) {
          if (!object.key.startsWith(rule.prefix) || object.lastModified > cutoff) continue;
          await store.deleteObject(name, object.key);
          result.expiredObjects++;
        }
      }
    }
  }
  return result;
}
