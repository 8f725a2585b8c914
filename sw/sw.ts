// The Skylift service worker. It precaches the app shell so the app opens offline; the upload
// engine (which owns uploads while no page is open) plugs in here.

import type { PrecacheEntry } from 'workbox-precaching';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { SKIP_WAITING } from '../lib/protocol/messages.ts';
import { installNotificationClicks } from './notifications/focus-app.ts';
import { takeOverSafely } from './update/take-over.ts';
import { installUploadEngine } from './upload-worker.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
// Every navigation gets the shell; the API and anything else on the server stay network-only.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

self.addEventListener('message', (event) => {
  // A new worker waits until the page asks it to take over (see src/pwa/register-sw.ts), so an
  // update never replaces the worker behind the user's back, and then lets uploads in flight finish.
  if (event.data?.type === SKIP_WAITING) event.waitUntil(takeOverSafely());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

// The upload engine owns every queued upload from here on (docs/upload-engine.md).
installUploadEngine();
installNotificationClicks();
