// Drives the engine from Background Sync through workbox-background-sync's Queue, used only for its
// sync-event handling and its no-SyncManager fallback (run on worker start): no request, and so no
// part body, ever enters the Queue's own store.
//
// A sync event works within a time budget (the engine stops starting parts when it is spent). If
// work remains, a new sync is registered while a window is open (it fires at once, or when the
// network returns); with no window open the event fails, so Chromium retries it later. A request
// from a page also runs the engine at once (one budgeted run, while the page's message keeps the
// worker alive), so a sync that Chromium holds back never leaves an open page waiting.

import { Queue } from 'workbox-background-sync';
import type { UploadEngine } from './engine.ts';

declare const self: ServiceWorkerGlobalScope;

export const SYNC_QUEUE_NAME = 'skylift-uploads';

export interface SyncDriverOptions {
  engine: () => Promise<UploadEngine>;
  budgetMs: () => Promise<number>;
}

export interface SyncDriver {
  /** Asks for a run: a sync registration, or a direct run where SyncManager is missing. */
  requestRun(): void;
  /** Settles when a direct run (no SyncManager) started by requestRun is over; for waitUntil. */
  idle(): Promise<void>;
}

export function createSyncDriver(options: SyncDriverOptions): SyncDriver {
  const hasSync = 'sync' in self.registration;
  let directRun: Promise<void> = Promise.resolve();

  const runOnce = async () => {
    const engine = await options.engine();
    const result = await engine.run({ budgetMs: await options.budgetMs() });
    // A drained engine leaves what remains to the new worker version (it resumes on the page's
    // hello). Registering another sync here would fire it at this outgoing worker, which is replaced
    // mid-event: the tag then stays registered and the new worker gets no sync event, so the upload
    // stalls (e2e/upload-update.spec.ts).
    return result.workRemains && !engine.drained;
  };

  /** The run in progress in this worker, whoever started it; resolves to whether work remains. */
  let pass: Promise<boolean> | undefined;
  const runPass = (): Promise<boolean> => {
    pass ??= runOnce().finally(() => {
      pass = undefined;
    });
    return pass;
  };

  const queue = new Queue(SYNC_QUEUE_NAME, {
    onSync: async () => {
      if (!hasSync) {
        // Worker start without SyncManager: resume whatever is unfinished.
        directRun = directRun.then(() => runOnce().then(() => undefined));
        return directRun;
      }
      // A run a page started may be under way: the event joins it rather than queue a second one
      // behind it, which would stretch the event past the browser's limit.
      if (!(await runPass())) return;
      const windows = await self.clients.matchAll({ type: 'window' });
      if (windows.length > 0) {
        await queue.registerSync();
        return;
      }
      throw new Error('Uploads remain after this sync event; the browser will retry it');
    },
  });

  /** Runs here and now, again and again while work remains and this worker is kept alive. */
  const runDirectly = () => {
    directRun = directRun.then(async () => {
      while (await runOnce()) {
        // Nothing else wakes us without Background Sync: keep going while the worker lives,
        // but give a waiting-for-network upload a moment rather than spinning.
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    });
  };

  return {
    requestRun() {
      if (!hasSync) return runDirectly();
      // workbox's registerSync() only logs a refusal, and a user can block Background Sync in the
      // site settings: then uploads would wait forever. Ask first, and run directly when refused.
      void syncPermitted().then((permitted) => (permitted ? queue.registerSync() : runDirectly()));
      // A page is there and asked (it opened, queued files, clicked): run now too, unless a run is
      // under way. The sync event may not come for minutes: Chromium retries an event that failed,
      // or whose worker it stopped, only after a backoff of 5 minutes and more, and registering the
      // tag again does not bring that forward (e2e/upload-worker-stopped.spec.ts).
      if (!pass) directRun = directRun.then(() => runPass().then(() => undefined));
    },
    idle: () => directRun.catch(() => undefined),
  };
}

async function syncPermitted(): Promise<boolean> {
  try {
    const status = await self.navigator.permissions.query({ name: 'background-sync' as PermissionName });
    return status.state !== 'denied';
  } catch {
    return true; // no Permissions API for it: assume the browser lets sync through
  }
}
