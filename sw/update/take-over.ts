// How a new version of the worker replaces the running one without cutting uploads off: it asks the
// active worker to drain (finish the parts in flight, record them, start no more), and only then
// activates. The new worker resumes from the stored part plan (docs/upload-engine.md).

import type { UploadRequest } from '../../lib/protocol/messages.ts';

declare const self: ServiceWorkerGlobalScope;

/** A drain waits for parts in flight; past this a stuck old worker no longer blocks the update. */
const DRAIN_TIMEOUT_MS = 120_000;

function drain(worker: ServiceWorker, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(resolve, timeoutMs);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve();
    };
    const request: UploadRequest = { type: 'upload/drain' };
    worker.postMessage(request, [channel.port2]);
  });
}

export async function takeOverSafely(timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
  // Both versions share one script URL, so the running one is told apart by identity.
  const active = self.registration.active;
  if (active && active !== self.serviceWorker) await drain(active, timeoutMs);
  await self.skipWaiting();
}
