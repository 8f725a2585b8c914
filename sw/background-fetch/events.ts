// The worker's Background Fetch events. A settled fetch wakes the worker with no page open (also after
// a browser restart): its parts are staged and the engine finishes the upload within the event.

import type { BackgroundFetchRegistrationLike } from '../../lib/protocol/background-fetch.ts';
import { focusApp } from '../notifications/focus-app.ts';
import type { BackgroundFetchTransport } from './transport.ts';

declare const self: ServiceWorkerGlobalScope;

type BackgroundFetchEvent = ExtendableEvent & { registration: BackgroundFetchRegistrationLike };

/**
 * How long the engine may start parts within a settled fetch's event. Chromium ends a worker event
 * after 5 minutes; copying staged parts is quick (OSS copies them), re-sent parts are few.
 */
const SETTLED_BUDGET_MS = 150_000;

export function installBackgroundFetchEvents(transport: () => Promise<BackgroundFetchTransport>): void {
  const settled = (event: Event) => {
    const { registration } = event as BackgroundFetchEvent;
    (event as ExtendableEvent).waitUntil(transport().then((t) => t.settled(registration, SETTLED_BUDGET_MS)));
  };
  self.addEventListener('backgroundfetchsuccess', settled);
  self.addEventListener('backgroundfetchfail', settled);
  self.addEventListener('backgroundfetchabort', (event) => {
    const { registration } = event as BackgroundFetchEvent;
    (event as ExtendableEvent).waitUntil(transport().then((t) => t.aborted(registration)));
  });
  self.addEventListener('backgroundfetchclick', (event) => {
    (event as ExtendableEvent).waitUntil(focusApp());
  });
}
