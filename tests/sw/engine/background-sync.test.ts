// The no-Background-Sync path of the driver: the worker runs the engine itself, never two loops at
// once, again while work remains, and again when a page asks during a run.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// workbox reads the worker's global `self` as it loads; its development logs stay quiet here.
vi.hoisted(() => {
  Object.assign(globalThis, { self: globalThis, __WB_DISABLE_DEV_LOGS: true });
});

import { Queue } from 'workbox-background-sync';
import { createSyncDriver } from '../../../sw/engine/background-sync.ts';
import type { RunResult } from '../../../sw/engine/engine.ts';

/** An engine whose runs the test ends one by one, counting how many ever ran at the same time. */
class ScriptedEngine {
  drained = false;
  runs = 0;
  running = 0;
  mostAtOnce = 0;
  private readonly pending: ((result: RunResult) => void)[] = [];

  run = (): Promise<RunResult> => {
    this.runs++;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    return new Promise((resolve) => this.pending.push(resolve));
  };

  /** Ends the oldest run in progress, saying whether work remains. */
  async finish(workRemains: boolean): Promise<void> {
    await until(() => this.pending.length > 0);
    this.running--;
    this.pending.shift()!({ workRemains, waitingForNetwork: false });
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

type PermissionState = 'granted' | 'denied' | 'prompt';

/** A service worker global: with or without SyncManager, the site's background-sync permission. */
function fakeWorker({ sync, permission = 'granted' }: { sync: boolean; permission?: PermissionState }) {
  const registered: string[] = [];
  let onSync: ((event: SyncEventLike) => void) | undefined;
  (globalThis as unknown as { self: unknown }).self = {
    registration: sync ? { sync: { register: async (tag: string) => registered.push(tag) } } : {},
    navigator: { permissions: { query: async () => ({ state: permission }) } },
    clients: { matchAll: async () => [] },
    addEventListener: (type: string, listener: (event: SyncEventLike) => void) => {
      if (type === 'sync') onSync = listener;
    },
  };
  /** The browser fires the sync event of a registered tag; settles when the event's work is over. */
  const fireSync = (): Promise<unknown> => {
    let work: Promise<unknown> = Promise.resolve();
    onSync?.({ tag: registered.at(-1) ?? '', lastChance: false, waitUntil: (p) => (work = p) });
    return work.catch(() => undefined);
  };
  return { registered, fireSync };
}

interface SyncEventLike {
  tag: string;
  lastChance: boolean;
  waitUntil(promise: Promise<unknown>): void;
}

function driverFor(engine: ScriptedEngine) {
  return createSyncDriver({ engine: async () => engine, budgetMs: async () => 1000, rerunPauseMs: 0 });
}

beforeEach(() => {
  // One driver per worker in the product; here one per test.
  (Queue as unknown as { _queueNames: Set<string> })._queueNames.clear();
});
afterEach(() => {
  (globalThis as unknown as { self: unknown }).self = globalThis;
});

describe('without Background Sync (Firefox, WebKit)', () => {
  it('runs on worker start, and nudges while a run is going start no second one', async () => {
    fakeWorker({ sync: false });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    await until(() => engine.runs === 1);
    await driver.keepGoing();
    await driver.keepGoing();
    await engine.finish(false);
    await driver.idle();
    expect(engine.runs).toBe(1);
    expect(await driver.afterPageCloses()).toBe('page-needed');
  });

  it('new work asked for during a run gets a run of its own after it, never beside it', async () => {
    fakeWorker({ sync: false });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    await until(() => engine.runs === 1);
    // Enqueued after the run listed its uploads: it may have missed them.
    driver.requestRun();
    driver.requestRun();
    await engine.finish(false);
    await engine.finish(false);
    await driver.idle();
    expect(engine.runs).toBe(2);
    expect(engine.mostAtOnce).toBe(1);
  });

  it('keeps running while work remains, and a nudge after it stopped starts a run again', async () => {
    fakeWorker({ sync: false });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    await engine.finish(true);
    await engine.finish(true);
    await engine.finish(false);
    await driver.idle();
    expect(engine.runs).toBe(3);
    // The browser stopped the worker, or the work ran out: a page's nudge starts a run.
    await driver.keepGoing();
    await until(() => engine.runs === 4);
    await engine.finish(false);
    await driver.idle();
    expect(engine.mostAtOnce).toBe(1);
  });
});

describe('with Background Sync', () => {
  it('registers a sync for a run; nudges leave the work to sync events', async () => {
    const { registered } = fakeWorker({ sync: true });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    driver.requestRun();
    await until(() => engine.runs === 1);
    await driver.keepGoing();
    await engine.finish(false);
    await driver.idle();
    expect(registered).toEqual(['workbox-background-sync:skylift-uploads']);
    expect(engine.runs).toBe(1);
    expect(await driver.afterPageCloses()).toBe('background-sync');
  });

  it("a page's request runs the engine at once, and a sync event meanwhile joins that run", async () => {
    // Chromium may hold the sync event back for minutes (a retry after the worker was stopped).
    const { registered, fireSync } = fakeWorker({ sync: true });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    driver.requestRun();
    await until(() => engine.runs === 1);
    expect(registered).toHaveLength(1);
    const event = fireSync();
    await engine.finish(false);
    await event;
    await driver.idle();
    expect(engine.runs).toBe(1);
    expect(engine.mostAtOnce).toBe(1);
  });

  it("a page's request during a run gets a run after it: the run going may have passed its upload over", async () => {
    fakeWorker({ sync: true });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    driver.requestRun();
    await until(() => engine.runs === 1);
    // e.g. a resume of an upload this run already tried while it was paused
    driver.requestRun();
    driver.requestRun();
    // Their decisions (permission, registration) settle in microtasks, all before the next timer.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await engine.finish(false);
    await until(() => engine.runs === 2);
    await engine.finish(false);
    await driver.idle();
    expect(engine.runs).toBe(2);
    expect(engine.mostAtOnce).toBe(1);
  });

  it('blocked for the site: runs directly, and pages hear that uploads need them', async () => {
    const { registered } = fakeWorker({ sync: true, permission: 'denied' });
    const engine = new ScriptedEngine();
    const driver = driverFor(engine);
    driver.requestRun();
    await until(() => engine.runs === 1);
    await driver.keepGoing();
    await engine.finish(false);
    await driver.idle();
    expect(registered).toEqual([]);
    expect(engine.runs).toBe(1);
    expect(await driver.afterPageCloses()).toBe('page-needed');
  });
});
