// A click on an "upload finished / failed" notification brings the person to the app: an open
// window of it if there is one, else a new one.

declare const self: ServiceWorkerGlobalScope;

export async function focusApp(): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    await open.focus();
    return;
  }
  await self.clients.openWindow('/');
}

export function installNotificationClicks(): void {
  self.addEventListener('notificationclick', (event) => {
    event.notification.close();
    event.waitUntil(focusApp());
  });
}
