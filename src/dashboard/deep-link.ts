// `#/dashboard?key=<key>&uploadId=<id>` opens the dashboard on one upload: a link someone can
// share from a support request, and how a test points the dashboard at an upload that is gone.

import type { UploadRef } from './dashboard-state.ts';

export function uploadFromHash(hash: string): UploadRef | undefined {
  const query = hash.indexOf('?');
  if (query < 0) return undefined;
  const params = new URLSearchParams(hash.slice(query + 1));
  const key = params.get('key');
  const uploadId = params.get('uploadId');
  return key && uploadId ? { key, uploadId } : undefined;
}

export function hashForUpload(ref: UploadRef): string {
  return `#/dashboard?${new URLSearchParams({ key: ref.key, uploadId: ref.uploadId })}`;
}
