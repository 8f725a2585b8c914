// When Chromium gives the upload sync its last try (`lastChance`) and uploads are still unfinished
// with no page open, nothing will wake the worker until a page of the app opens. The person is told
// so, where notifications are permitted. Uploads that Background Fetch carries do not count: the
// browser keeps sending those (UploadStore.listActive leaves them out).

import type { UploadStore } from '../store/upload-store.ts';

/** What the notice needs of the worker's global scope (a unit test stands in for it). */
export interface NoticeScope {
  registration: Pick<ServiceWorkerRegistration, 'showNotification'>;
  clients: { matchAll(options: { type: 'window' }): Promise<readonly unknown[]> };
  permission: () => NotificationPermission | undefined;
}

export const STALLED_NOTIFICATION_TAG = 'skylift-stalled';

/** The notice's words, or undefined when there is nothing to say. */
export function stalledInWords(count: number): string | undefined {
  if (count === 0) return undefined;
  return `${count === 1 ? '1 upload' : `${count} uploads`} paused — open Skylift to continue`;
}

/** Shows the notice when uploads remain, no page is open and notifications are permitted. */
export async function noticeStalledUploads(store: UploadStore, scope: NoticeScope): Promise<boolean> {
  if (scope.permission() !== 'granted') return false;
  if ((await scope.clients.matchAll({ type: 'window' })).length > 0) return false;
  const title = stalledInWords((await store.listActive()).length);
  if (!title) return false;
  await scope.registration.showNotification(title, {
    body: 'This browser stops uploading in the background after a while. They carry on where they stopped.',
    tag: STALLED_NOTIFICATION_TAG,
    icon: '/icons/icon-192.png',
  });
  return true;
}
