// Periodic Background Sync (Chromium, installed app with the permission): a safety net that resumes
// uploads that stalled with no page open (the sync chain spent, a settled background fetch whose
// event was cut short). The page registers PERIODIC_SYNC_TAG (src/pwa/periodic-sync.ts); each event runs the
// engine within the usual budget.

import { PERIODIC_SYNC_TAG } from '../../lib/protocol/messages.ts';
import type { SyncDriverOptions } from '../engine/background-sync.ts';

declare const self: ServiceWorkerGlobalScope;

export function installPeriodicSync(options: Pick<SyncDriverOptions, 'engine' | 'budgetMs'>): void {
  self.addEventListener('periodicsync', (event) => {
    const periodic = event as ExtendableEvent & { tag: string };
    if (periodic.tag !== PERIODIC_SYNC_TAG) return;
    periodic.waitUntil(
      (async () => {
        const engine = await options.engine();
        await engine.run({ budgetMs: await options.budgetMs() });
      })(),
    );
  });
}
