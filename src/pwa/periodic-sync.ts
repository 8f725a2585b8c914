// Periodic Background Sync where the app is installed (Chromium grants the permission to installed
// apps): a safety net that lets the worker resume stalled uploads now and then with no page open
// (sw/wake/periodic-sync.ts). Feature-detected; anything missing or refused leaves it unregistered.

import { PERIODIC_SYNC_TAG } from '../../lib/protocol/messages.ts';

/** Chromium fires it at most about this often, and less for apps used rarely. */
const MIN_INTERVAL_MS = 12 * 3600 * 1000;

interface PeriodicSyncManagerLike {
  register(tag: string, options: { minInterval: number }): Promise<void>;
}

export async function registerPeriodicResume(): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  const registration = await navigator.serviceWorker.ready;
  const periodicSync = (
    registration as ServiceWorkerRegistration & { periodicSync?: PeriodicSyncManagerLike }
  ).periodicSync;
  if (!periodicSync) return false;
  try {
    const status = await navigator.permissions.query({ name: 'periodic-background-sync' as PermissionName });
    if (status.state !== 'granted') return false;
    await periodicSync.register(PERIODIC_SYNC_TAG, { minInterval: MIN_INTERVAL_MS });
    return true;
  } catch {
    return false;
  }
}
