// Which OSS upload ids this browser's upload engine owns, read from its IndexedDB (sw/store/schema.ts:
// store `uploads`, field `uploadId`). Every other unfinished upload under the prefix was started by
// another device or by a run that crashed before recording it: an orphan.

import { openDB } from 'idb';
import { UPLOAD_DB_NAME, type UploadDbSchema } from '../../sw/store/schema.ts';

export async function localUploadIds(): Promise<Set<string>> {
  let db: Awaited<ReturnType<typeof openDB<UploadDbSchema>>>;
  try {
    // No version: open whatever the engine created. If nothing exists, an upgrade is needed and is
    // aborted, so the page never creates the engine's database with an empty schema.
    db = await openDB<UploadDbSchema>(UPLOAD_DB_NAME, undefined, {
      upgrade(_db, _old, _new, transaction) {
        transaction.done.catch(() => {}); // the abort below is the point, not a failure to report
        transaction.abort();
      },
    });
  } catch {
    return new Set();
  }
  try {
    if (!db.objectStoreNames.contains('uploads')) return new Set();
    const uploads = await db.getAll('uploads');
    return new Set(uploads.flatMap((u) => (u.uploadId ? [u.uploadId] : [])));
  } finally {
    // Held open, it would block the engine's next schema upgrade.
    db.close();
  }
}
