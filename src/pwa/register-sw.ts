import { Workbox } from 'workbox-window';

export interface ServiceWorkerUpdates {
  /** Called when a new version is installed and waiting; call `apply` to switch to it. */
  onUpdateWaiting(apply: () => void): void;
}

/**
 * Registers the service worker with workbox-window. A new version waits; the page offers it,
 * and only when the user accepts does it ask the new worker to take over, then reloads once the
 * new worker controls the page.
 */
export function registerServiceWorker(updates: ServiceWorkerUpdates): Workbox | undefined {
  if (!('serviceWorker' in navigator)) return undefined;
  const wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updates.onUpdateWaiting(() => {
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
    });
  });
  void wb.register();
  return wb;
}
