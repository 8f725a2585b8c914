// What wakes the engine. Where the browser has Background Sync, a workbox-background-sync Queue,
// used only for its sync-event handling and its no-SyncManager fallback: no request, and so no part
// body, ever enters the Queue's own store.
//
// A sync event works within a time budget (the engine stops starting parts when it is spent). If
// work remains, a new sync is registered while a window is open (it fires at once, or when the
// network returns); with no window open the event fails, so Chromium retries it later. A request
// from a page also runs the engine at once (one budgeted run, while the page's message keeps the
// worker alive), so a sync that Chromium holds back never leaves an open page waiting.
//
// Where there is no Background Sync (Firefox, WebKit), or the site may not use it, the worker runs
// the engine itself: on worker start, on each request from a page, and on each nudge from a page
// that has unfinished uploads. Such a browser stops the worker when it is idle, or when an event's
// extended lifetime ends (Firefox: 30 s idle, then 30 s more for a pending waitUntil), even mid-run:
// the nudges wake it again, and each starts a run unless one is going.

import { Queue } from 'workbox-background-sync';
import type { AfterPageCloses } from '../../lib/protocol/messages.ts';
import { permissionNotDenied } from '../permissions.ts';
import type { UploadEngine } from './engine.ts';

/** What is used here of the worker's global scope (declared so, the unit test can stand in for it). */
declare const self: {
  registration: ServiceWorkerRegistration;
  clients: { matchAll(options: { type: 'window' }): Promise<readonly unknown[]> };
  navigator: { permissions: Permissions };
};

export const SYNC_QUEUE_NAME = 'skylift-uploads';
/** The tag workbox-background-sync registers for the queue (its own prefix and the queue's name). */
export const SYNC_TAG = `workbox-background-sync:${SYNC_QUEUE_NAME}`;

/** Between direct runs while work remains: a waiting-for-network upload gets a moment, not a spin. */
const RERUN_PAUSE_MS = 5_000;

export interface SyncDriverOptions {
  engine: () => Promise<Pick<UploadEngine, 'run' | 'drained'>>;
  budgetMs: () => Promise<number>;
  /** Pause between direct runs while work remains (tests shorten it). */
  rerunPauseMs?: number;
  /** A sync event ends with work left and no window open (the browser retries it later, or not). */
  onWorkLeft?: () => Promise<void>;
}

export interface SyncDriver {
  /**
   * Asks for a run: a sync registration and a run at once unless one is going, or a direct run where
   * Background Sync cannot be used.
   */
  requestRun(): void;
  /**
   * A page with unfinished uploads is open: without Background Sync, start a run unless one is going
   * (with it, sync events already chain while a window is open). Settles once that is decided.
   */
  keepGoing(): Promise<void>;
  /** What becomes of unfinished uploads when no page is open, as this browser stands now. */
  afterPageCloses(): Promise<AfterPageCloses>;
  /** Settles when the runs requested so far (not those of sync events) are over; for waitUntil. */
  idle(): Promise<void>;
}

export function createSyncDriver(options: SyncDriverOptions): SyncDriver {
  const hasSync = 'sync' in self.registration;
  /** The direct-run loop while it runs; there is never more than one. */
  let direct: Promise<void> | undefined;
  /** Someone asked for a run since the loop last looked: it runs (again) before stopping. */
  let wanted = false;
  /** The latest pending "sync or direct?" decision, so idle() covers a direct run it starts. */
  let deciding: Promise<void> = Promise.resolve();

  const runOnce = async () => {
    const engine = await options.engine();
    const result = await engine.run({ budgetMs: await options.budgetMs() });
    // A drained engine leaves what remains to the new worker version (it resumes on the page's
    // hello). Registering another sync here would fire it at this outgoing worker, which is replaced
    // mid-event: the tag then stays registered and the new worker gets no sync event, so the upload
    // stalls (e2e/upload-update.spec.ts).
    return result.workRemains && !engine.drained;
  };

  /** The run a page's request or a sync event started, while it goes; resolves to whether work remains. */
  let pass: Promise<boolean> | undefined;
  const runPass = (): Promise<boolean> => {
    pass ??= runOnce().finally(() => {
      pass = undefined;
    });
    return pass;
  };
  /**
   * A run that starts after now, for a page's request: a run under way may already have passed over
   * what the request is about (an upload resumed after the run tried it), so one more follows it.
   */
  let followUp: Promise<boolean> | undefined;
  const runFreshPass = (): Promise<boolean> => {
    if (!pass) return runPass();
    followUp ??= pass
      .catch(() => undefined)
      .then(() => {
        followUp = undefined;
        return runPass();
      });
    return followUp;
  };

  /** Runs here and now, again while work remains and the browser keeps this worker alive. */
  const runDirectly = (): void => {
    wanted = true;
    if (direct) return;
    direct = (async () => {
      // Never synchronously: on worker start this is called while the worker's script still runs.
      await Promise.resolve();
      while (wanted) {
        wanted = false;
        if (await runOnce()) {
          wanted = true;
          await new Promise((resolve) => setTimeout(resolve, options.rerunPauseMs ?? RERUN_PAUSE_MS));
        }
      }
    })().finally(() => {
      direct = undefined;
      if (wanted) runDirectly(); // asked for between the loop's last look and here
    });
  };

  const syncUsable = async () => hasSync && (await syncPermitted());

  const queue = new Queue(SYNC_QUEUE_NAME, {
    onSync: async () => {
      if (!hasSync) {
        // Worker start without SyncManager: resume whatever is unfinished.
        runDirectly();
        return direct;
      }
      // A run a page started may be under way: the event joins it rather than queue a second one
      // behind it, which would stretch the event past the browser's limit.
      if (!(await runPass())) return;
      const windows = await self.clients.matchAll({ type: 'window' });
      if (windows.length > 0) {
        await queue.registerSync();
        return;
      }
      await options.onWorkLeft?.().catch(() => undefined);
      throw new Error('Uploads remain after this sync event; the browser will retry it');
    },
  });

  return {
    requestRun() {
      if (!hasSync) return runDirectly();
      // workbox's registerSync() only logs a refusal, and a user can block Background Sync in the
      // site settings: then uploads would wait forever. Ask first, and run directly when refused.
      const decision = syncPermitted().then(async (permitted) => {
        if (!permitted) return runDirectly();
        await queue.registerSync();
        // A page is there and asked (it opened, queued files, clicked): run now too, or right after
        // the run under way. The sync event may not come for minutes: Chromium retries an event that
        // failed, or whose worker it stopped, only after a backoff of 5 minutes and more, and
        // registering the tag again does not bring that forward (e2e/upload-worker-stopped.spec.ts).
        await runFreshPass();
      });
      deciding = deciding.then(() => decision).catch(() => undefined);
    },
    async keepGoing() {
      // A run going on sees any work there is: a nudge has nothing to add to it.
      if (!direct && !(await syncUsable())) runDirectly();
    },
    async afterPageCloses() {
      return (await syncUsable()) ? 'background-sync' : 'page-needed';
    },
    async idle() {
      await deciding;
      await direct?.catch(() => undefined);
    },
  };
}

function syncPermitted(): Promise<boolean> {
  return permissionNotDenied(self.navigator.permissions, 'background-sync');
}
