// Telling people when uploads end while they look elsewhere: which uploads just finished or
// failed (from one snapshot to the next), a system notification when the page is hidden, and the
// app badge with the number of uploads still going.

import { ACTIVE_STATES, type UploadState, type UploadView } from '../../lib/protocol/messages.ts';
import { shortName } from './key-prefix.ts';

export interface Ending {
  upload: UploadView;
  outcome: 'done' | 'failed';
}

/**
 * Remembers each upload's last state and reports those that became done or failed since. The
 * first snapshot only sets the baseline: history shown on opening the page is not news.
 */
export class EndingTracker {
  private last?: Map<string, UploadState>;

  next(uploads: readonly UploadView[]): Ending[] {
    const previous = this.last;
    this.last = new Map(uploads.map((u) => [u.id, u.state]));
    if (!previous) return [];
    return uploads.flatMap((upload): Ending[] => {
      const before = previous.get(upload.id);
      if (before === upload.state) return [];
      if (upload.state === 'done') return [{ upload, outcome: 'done' }];
      if (upload.state === 'failed') return [{ upload, outcome: 'failed' }];
      return [];
    });
  }
}

/** One notification for a burst of endings: "3 uploads finished", or the one file and its fate. */
export function notificationFor(endings: readonly Ending[]): { title: string; body: string } | undefined {
  if (endings.length === 0) return undefined;
  const failed = endings.filter((e) => e.outcome === 'failed');
  if (endings.length === 1) {
    const [{ upload, outcome }] = endings as [Ending];
    return outcome === 'done'
      ? { title: 'Upload finished', body: shortName(upload.fileName) }
      : {
          title: 'Upload failed',
          body: `${shortName(upload.fileName)}: ${upload.problem?.message ?? 'open Skylift to see why.'}`,
        };
  }
  const done = endings.length - failed.length;
  const parts = [done > 0 ? `${done} finished` : '', failed.length > 0 ? `${failed.length} failed` : ''];
  return {
    title: failed.length > 0 ? 'Uploads need attention' : 'Uploads finished',
    body: `${parts.filter(Boolean).join(', ')}.`,
  };
}

export type NotificationChoice = 'unsupported' | NotificationPermission;

export function notificationChoice(): NotificationChoice {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Shown through the service worker: `new Notification` throws on Android, and the worker outlives the tab. */
export async function showNotification(message: { title: string; body: string }): Promise<void> {
  if (notificationChoice() !== 'granted') return;
  const registration = await navigator.serviceWorker.ready;
  await registration.showNotification(message.title, {
    body: message.body,
    icon: '/icons/icon.svg',
    tag: 'skylift-uploads',
  });
}

/** Uploads still going, as the badge counts them. */
export function activeCount(uploads: readonly UploadView[]): number {
  return uploads.filter((u) => ACTIVE_STATES.includes(u.state)).length;
}

let badgeShown: number | undefined;

/** The app icon's badge (installed app, where supported) shows the active uploads; cleared at 0. */
export function showBadge(count: number): void {
  if (count === badgeShown || !('setAppBadge' in navigator)) return;
  badgeShown = count;
  const request = count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge();
  // Refused when the app is not installed or the permission is off; the badge is a nicety.
  request.catch(() => undefined);
}
