// Wires the upload engine into the service worker: storage, credentials, Web Locks, Background
// Sync, the page messages and the broadcast channel. sw.ts calls installUploadEngine() once.

import { createCredentialsProvider } from '../lib/credentials/credentials-provider.ts';
import { createObjectStatusClient } from '../lib/credentials/object-status.ts';
import {
  isUploadRequest,
  UPLOAD_CHANNEL,
  type UploadReply,
  type UploadRequest,
} from '../lib/protocol/messages.ts';
import { createSyncDriver } from './engine/background-sync.ts';
import { DEFAULT_BUDGET_MS, UploadEngine } from './engine/engine.ts';
import { memoryLocks, webLocks } from './engine/upload-locks.ts';
import { SYNC_BUDGET_SETTING } from './store/schema.ts';
import { openUploadDb, UploadStore } from './store/upload-store.ts';

declare const self: ServiceWorkerGlobalScope;

export function installUploadEngine(): void {
  const channel = new BroadcastChannel(UPLOAD_CHANNEL);
  let store: UploadStore | undefined;
  const storeReady = openUploadDb().then((db) => {
    store = new UploadStore(db);
    return store;
  });

  // Created synchronously: sync listeners must exist when the worker's script first runs.
  const driver = createSyncDriver({
    engine: () => engineReady,
    budgetMs: async () => (await storeReady).setting(SYNC_BUDGET_SETTING, DEFAULT_BUDGET_MS),
  });

  const engineReady = storeReady.then(
    (s) =>
      new UploadEngine({
        store: s,
        credentials: createCredentialsProvider(),
        objectStatus: createObjectStatusClient(),
        locks: self.navigator.locks ? webLocks(self.navigator.locks) : memoryLocks(),
        storage: self.navigator.storage,
        online: () => self.navigator.onLine,
        post: (message) => channel.postMessage(message),
        requestRun: () => driver.requestRun(),
      }),
  );

  async function handle(request: UploadRequest): Promise<UploadReply> {
    const engine = await engineReady;
    switch (request.type) {
      case 'upload/enqueue':
        return { ok: true, uploadIds: await engine.enqueue(request.items) };
      case 'upload/command':
        await engine.command(request.uploadId, request.command);
        return { ok: true };
      case 'upload/reselect':
        await engine.reselect(request.uploadId, request.file);
        return { ok: true };
      case 'upload/drain':
        await engine.drain();
        return { ok: true };
      case 'upload/hello': {
        // A page opened: resume anything unfinished (after a browser restart this is what restarts it).
        const [active, cleanups] = await Promise.all([store?.listActive(), store?.cleanups()]);
        if (active?.length || cleanups?.length) driver.requestRun();
        const [uploads, history, afterPageCloses] = await Promise.all([
          engine.views(),
          engine.history(),
          driver.afterPageCloses(),
        ]);
        return { ok: true, uploads, ...history, afterPageCloses };
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
