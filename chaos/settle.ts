// After a scenario's last step: the faults are cleared and everything comes back (the emulator up, the
// network on, the browser and a page of the app open), what the user paused is resumed, and then the
// runner only watches — through read-only IndexedDB reads, which do not wake the engine — until every
// upload has settled or the bound has passed. Nothing here nudges an upload that hangs: that is what
// the checks must see.

import { setTimeout as sleep } from 'node:timers/promises';
import { askWorker } from '../harness/app-page.ts';
import { ACTIVE_STATES, type UploadState } from '../lib/protocol/messages.ts';
import { type BrowserRecords, readBrowserRecords } from './browser-records.ts';
import { MB } from './scenario.ts';
import type { World } from './world.ts';

/** However little is left, uploads get this long to finish once everything is back. */
const BASE_BOUND_MS = 120_000;
/** Plus the bytes still to send at this (low, for a loaded 2-core machine) rate. */
const SLOWEST_BYTES_PER_SECOND = 4 * MB;
const POLL_MS = 1000;
const PROGRESS_EVERY_MS = 15_000;

export interface Settled {
  records: BrowserRecords;
  /** False when the bound passed with uploads (or aborts OSS has not confirmed) still pending. */
  settled: boolean;
  boundMs: number;
  waitedMs: number;
}

/** Still the engine's (or the user's) to move: anything neither finished nor stopped. */
export const UNSETTLED_STATES: readonly UploadState[] = [...ACTIVE_STATES, 'paused'];

const isSettled = (records: BrowserRecords) =>
  records.uploads.every((u) => !UNSETTLED_STATES.includes(u.state)) && records.cleanups.length === 0;

function summary(records: BrowserRecords): string {
  const counts = new Map<string, number>();
  for (const u of records.uploads) counts.set(u.state, (counts.get(u.state) ?? 0) + 1);
  for (const h of records.history) counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
  const states = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  return records.cleanups.length > 0 ? `${states}; ${records.cleanups.length} abort(s) to confirm` : states;
}

export async function bringEverythingBack(world: World, log: (line: string) => void): Promise<void> {
  await world.setFaults({});
  if (!world.emulator.running) await world.restartEmulator();
  await world.setOffline(false);
  // The person comes back to the app: a fresh load of it, which is the page's hello.
  const page = await world.openApp();
  const paused = (await readBrowserRecords(page)).uploads.filter((u) => u.state === 'paused');
  for (const upload of paused) {
    await askWorker(page, { type: 'upload/command', uploadId: upload.id, command: 'resume' });
  }
  log(
    `everything back: emulator up, online, a page open${paused.length ? `, resumed ${paused.length}` : ''}`,
  );
}

export async function waitUntilSettled(world: World, log: (line: string) => void): Promise<Settled> {
  const page = await world.ensurePage();
  let records = await readBrowserRecords(page);
  const pendingBytes = records.uploads.reduce((sum, u) => sum + (u.size - u.bytesConfirmed), 0);
  const boundMs = BASE_BOUND_MS + Math.ceil((pendingBytes / SLOWEST_BYTES_PER_SECOND) * 1000);
  const started = Date.now();
  let lastProgress = started;
  while (!isSettled(records) && Date.now() - started < boundMs) {
    await sleep(POLL_MS);
    records = await readBrowserRecords(page);
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      log(
        `settling (${Math.round((Date.now() - started) / 1000)} s of ${boundMs / 1000} s): ${summary(records)}`,
      );
    }
  }
  const waitedMs = Date.now() - started;
  const settled = isSettled(records);
  log(`${settled ? 'settled' : 'NOT settled'} after ${(waitedMs / 1000).toFixed(1)} s: ${summary(records)}`);
  return { records, settled, boundMs, waitedMs };
}
