// Wires the upload engine into the service worker: storage, credentials, Web Locks, Background
// Sync, the page messages and the broadcast channel. sw.ts calls installUploadEngine() once.

import { createCredentialsProvider } from '../lib/credentials/credentials-provider.ts';
import { createObjectStatusClient } from '../lib/credentials/object-status.ts';
import { backgroundFetchOf } from '../lib/protocol/background-fetch.ts';
import {
  isUploadRequest,
  UPLOAD_CHANNEL,
  type UploadReply,
  type UploadRequest,
} from '../lib/protocol/messages.ts';
import { installBackgroundFetchEvents } from './background-fetch/events.ts';
import { BackgroundFetchTransport } from './background-fetch/transport.ts';
import { createSyncDriver, SYNC_TAG } from './engine/background-sync.ts';
import { DEFAULT_BUDGET_MS, UploadEngine } from './engine/engine.ts';
import { memoryLocks, webLocks } from './engine/upload-locks.ts';
import { noticeStalledUploads } from './notifications/stalled-uploads.ts';
import { permissionNotDenied } from './permissions.ts';
import { SYNC_BUDGET_SETTING } from './store/schema.ts';
import { openUploadDb, UploadStore } from './store/upload-store.ts';
import { installPeriodicSync } from './wake/periodic-sync.ts';

declare const self: ServiceWorkerGlobalScope;

export function installUploadEngine(): void {
  const channel = new BroadcastChannel(UPLOAD_CHANNEL);
  let store: UploadStore | undefined;
  const storeReady = openUploadDb().then((db) => {
    store = new UploadStore(db);
    return store;
  });

  const credentials = createCredentialsProvider();
  const budgetMs = async () => (await storeReady).setting(SYNC_BUDGET_SETTING, DEFAULT_BUDGET_MS);
  // Whether the sync event being handled is Chromium's last try: set as the event is dispatched,
  // before the driver's (asynchronous) handling reaches its end.
  let lastChance = false;
  self.addEventListener('sync', (event) => {
    if (event.tag === SYNC_TAG) lastChance = event.lastChance;
  });
  // Created synchronously: sync listeners must exist when the worker's script first runs.
  const driver = createSyncDriver({
    engine: () => engineReady,
    budgetMs,
    onWorkLeft: async () => {
      if (!lastChance) return;
      await noticeStalledUploads(await storeReady, {
        registration: self.registration,
        clients: self.clients,
        permission: () => (typeof Notification === 'undefined' ? undefined : Notification.permission),
      });
    },
  });
  installPeriodicSync({ engine: () => engineReady, budgetMs });

  const engineReady = storeReady.then(
    (s) =>
      new UploadEngine({
        store: s,
        credentials,
        objectStatus: createObjectStatusClient(),
        locks: self.navigator.locks ? webLocks(self.navigator.locks) : memoryLocks(),
        storage: self.navigator.storage,
        online: () => self.navigator.onLine,
        post: (message) => channel.postMessage(message),
        requestRun: () => driver.requestRun(),
      }),
  );

  const transportReady = storeReady.then(
    (s) =>
      new BackgroundFetchTransport({
        store: s,
        engine: () => engineReady,
        credentials,
        manager: backgroundFetchOf(self.registration),
        storage: self.navigator.storage,
        requestRun: () => driver.requestRun(),
        permitted: () => permissionNotDenied(self.navigator.permissions, 'background-fetch'),
      }),
  );
  // Created synchronously, like the sync listeners: a settled fetch may be what starts the worker.
  installBackgroundFetchEvents(() => transportReady);

  async function handle(request: UploadRequest): Promise<UploadReply> {
    const engine = await engineReady;
    switch (request.type) {
      case 'upload/enqueue': {
        const uploadIds = await engine.enqueue(request.items);
        // The page hears "queued" only once the copies hold the bytes as chosen: Chromium reads a
        // file for its IndexedDB copy while the put runs, so a file changed on disk before the copy
        // committed could no longer be copied. The uploads are already sending meanwhile.
        await engine.copiesSettled(uploadIds);
        return { ok: true, uploadIds };
      }
      case 'upload/command':
        // A background fetch carrying the upload stops first; then the command acts as on any upload.
        if (request.command === 'pause' || request.command === 'abort')
          await (await transportReady).stop(request.uploadId);
        await engine.command(request.uploadId, request.command);
        return { ok: true };
      case 'upload/handover':
        return { ok: true, handover: await (await transportReady).handover(request.uploadId) };
      case 'upload/handover-failed':
        await (await transportReady).handoverFailed(request.uploadId);
        return { ok: true };
      case 'upload/reselect':
        await engine.reselect(request.uploadId, request.file);
        return { ok: true };
      case 'upload/drain':
        await engine.drain();
        return { ok: true };
      case 'upload/hello': {
        // A page opened: resume anything unfinished (after a browser restart this is what restarts it).
        await (await transportReady).reconcile();
        const [active, cleanups] = await Promise.all([store?.listActive(), store?.cleanups()]);
        if (active?.length || cleanups?.length) driver.requestRun();
        const [uploads, history, afterPageCloses] = await Promise.all([
          engine.views(),
          engine.history(),
          driver.afterPageCloses(),
        ]);
        // Background Fetch carries large uploads on; smaller ones still need Background Sync.
        const fetchUsable = await (await transportReady).usable();
        return {
          ok: true,
          uploads,
          ...history,
          afterPageCloses:
            fetchUsable && afterPageCloses === 'background-sync' ? 'background-fetch' : afterPageCloses,
        };
      }
      case 'upload/nudge':
        await driver.keepGoing();
        return { ok: true };
      case 'upload/parts':
        return { ok: true, parts: await engine.partStates(request.uploadId) };
      case 'upload/history':
        return { ok: true, ...(await engine.history(request.before)) };
    }
  }

  self.addEventListener('message', (event) => {
    if (!isUploadRequest(event.data)) return;
    const port = event.ports[0];
    event.waitUntil(
      handle(event.data)
        .then(
          (reply) => port?.postMessage(reply),
          (error: unknown) =>
            port?.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
        )
        .then(() => driver.idle()),
    );
  });
}
