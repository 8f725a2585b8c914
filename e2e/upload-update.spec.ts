// A new version of the service worker published while an upload runs: the page offers it, and on
// "Reload to update" the running worker drains (parts in flight finish, none starts) before the new
// one activates and resumes (docs/upload-engine.md, "Updates of the worker"). The test serves its
// own copy of the build, so it can publish a new sw.js without touching anyone else's.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from '@playwright/test';
import {
  test as base,
  expect,
  expectEachPartAcknowledgedOnce,
  type LoggedRequest,
} from './fixtures/upload-stack.ts';
import { MiB, makeFile, objectSha256, openApp, queueInFolder } from './upload-support.ts';

const PART_SIZE = 1 * MiB;
/** 20 MiB at 2 MiB/s: about 10 s of parts, 1 s per part with two in flight. */
const FILE_SIZE = 20 * MiB;
const PARTS_TOTAL = FILE_SIZE / PART_SIZE;
const PARALLEL = 2;
const SLOW_PARTS = { operations: ['UploadPart' as const], bandwidthBytesPerSecond: 2 * MiB };

/** The service worker's global scope, as seen from code evaluated in it. */
type WorkerScope = {
  registration: ServiceWorkerRegistration;
  serviceWorker: ServiceWorker;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
};

const test = base.extend<{ ownBuild: string }>({
  // A copy of the build for this test alone: it gets a new sw.js mid-test.
  ownBuild: async ({ appBuild }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'skylift-e2e-update-'));
    cpSync(appBuild, dir, { recursive: true });
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  stackOptions: async ({ ownBuild }, use) => use({ distDir: ownBuild, faults: SLOW_PARTS }),
});

/**
 * Publishes a new worker version: any byte change to sw.js makes one. The addition also answers
 * `{type: 'e2e/version'}`, so the page can ask its controller which version it is.
 */
function publishNewWorker(distDir: string, marker: string): void {
  appendFileSync(
    join(distDir, 'sw.js'),
    `\n// skylift-e2e-version ${marker}\n` +
      `self.addEventListener('message', (e) => { if (e.data?.type === 'e2e/version') e.ports[0]?.postMessage(${JSON.stringify(marker)}); });\n`,
  );
}

/** The version marker of the worker controlling the page; undefined if it does not answer (an old one). */
async function controllerVersion(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const controller = navigator.serviceWorker.controller;
    if (!controller) return undefined;
    const channel = new MessageChannel();
    const answer = new Promise<string>((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data as string);
    });
    controller.postMessage({ type: 'e2e/version' }, [channel.port2]);
    return Promise.race([answer, new Promise<undefined>((resolve) => setTimeout(resolve, 3000))]);
  });
}

/** The service worker in the given state of the registration, as Playwright sees it (Chromium only). */
async function workerIn(page: Page, state: 'active' | 'waiting'): Promise<Worker> {
  let found: Worker | undefined;
  await expect
    .poll(async () => {
      for (const worker of page.context().serviceWorkers()) {
        const is = await worker
          .evaluate((s) => {
            const scope = self as unknown as WorkerScope;
            return scope.registration[s] === scope.serviceWorker;
          }, state)
          .catch(() => false);
        if (is) found = worker;
      }
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}

/** Resolves with the time (ms since the epoch) `worker` receives `{type}`; a passive listener. */
function whenWorkerGets(worker: Worker, type: string): Promise<number | undefined> {
  return worker
    .evaluate(
      (t) =>
        new Promise<number>((resolve) => {
          (self as unknown as WorkerScope).addEventListener('message', (event) => {
            if ((event.data as { type?: string } | null)?.type === t) resolve(Date.now());
          });
        }),
      type,
    )
    .catch(() => undefined);
}

/**
 * Resolves with the time `worker` starts activating: after the drain's answer and skipWaiting, and
 * the moment the old worker stops being the registration's active one.
 */
function whenWorkerActivates(worker: Worker): Promise<number | undefined> {
  return worker
    .evaluate(
      () =>
        new Promise<number>((resolve) => {
          const me = (self as unknown as WorkerScope).serviceWorker;
          me.addEventListener('statechange', () => {
            if (me.state === 'activating') resolve(Date.now());
          });
        }),
    )
    .catch(() => undefined);
}

const summary = (parts: LoggedRequest[]) =>
  parts.map((p) => `part ${p.partNumber} ${p.receivedAt}→${p.settledAt ?? 'never'} HTTP ${p.status}`);

test('a new worker version published mid-upload takes over without cutting a part off', async ({
  page,
  stack,
  ownBuild,
}) => {
  await openApp(page);
  const file = makeFile(FILE_SIZE);
  const { key } = await queueInFolder(page, file, 'e2e-update', { partSize: PART_SIZE, parallel: PARALLEL });
  await stack.log.partsAcknowledged(3);

  // Publish a new version and let the page look for it, as the browser does on its own.
  const marker = `v-${Date.now()}`;
  publishNewWorker(ownBuild, marker);
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });
  const banner = page.locator('update-banner').getByRole('status');
  await expect(banner).toContainText('A new version of Skylift is ready.');

  // Watch the hand-over from both workers: when the old one is asked to drain, when the new one
  // starts activating (after the drain's answer and skipWaiting).
  const oldWorker = await workerIn(page, 'active');
  const newWorker = await workerIn(page, 'waiting');
  expect(newWorker).not.toBe(oldWorker);
  const drainAsked = whenWorkerGets(oldWorker, 'upload/drain');
  const activated = whenWorkerActivates(newWorker);
  await page.evaluate(() => Object.assign(window, { e2eBeforeUpdate: true }));
  expect(stack.log.of('CompleteMultipartUpload')).toEqual([]);

  const clickedAt = Date.now();
  const reloaded = page.waitForEvent('load');
  await banner.getByRole('button', { name: 'Reload to update' }).click();
  await reloaded;
  await expect.poll(() => page.evaluate(() => 'e2eBeforeUpdate' in window)).toBe(false);
  // Without a drain request the checks below still run from the click, to say what went wrong.
  const drainAsk = await drainAsked;
  expect.soft(drainAsk, 'the old worker was asked to drain').toBeDefined();
  const drainAt = drainAsk ?? clickedAt;
  const activatedAt = await activated;
  expect(activatedAt, 'the new worker activated').toBeDefined();

  // The reloaded page is controlled by the new version, and no update is offered any more.
  await expect.poll(() => controllerVersion(page)).toBe(marker);
  expect(
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null),
  ).toBeNull();
  await expect(banner).toBeHidden();

  // The new worker finishes the upload, and the object is the file.
  await expect
    .poll(() => stack.log.of('CompleteMultipartUpload').some((r) => r.status === 200), {
      message: 'the new worker completes the upload',
      timeout: 20_000,
    })
    .toBe(true);
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);

  const parts = stack.log.of('UploadPart');
  // No part was cut off and sent again: one request per part, each answered 200.
  expect(summary(parts.filter((p) => p.status !== 200))).toEqual([]);
  expect(parts).toHaveLength(PARTS_TOTAL);
  expectEachPartAcknowledgedOnce(stack.log, PARTS_TOTAL);

  const beforeDrain = parts.filter((p) => p.receivedAt < drainAt);
  const whileDraining = parts.filter((p) => p.receivedAt >= drainAt && p.receivedAt < activatedAt!);
  const afterSwitch = parts.filter((p) => p.receivedAt >= activatedAt!);
  const inFlightAtDrain = beforeDrain.filter((p) => (p.settledAt ?? Number.POSITIVE_INFINITY) > drainAt);
  // The update came mid-upload, with parts on the wire, and parts went out on both sides of it.
  expect(beforeDrain.length, 'parts sent before the update').toBeGreaterThanOrEqual(3);
  expect(inFlightAtDrain.length, 'parts in flight when the update was applied').toBeGreaterThan(0);
  expect(afterSwitch.length, 'parts sent by the new worker').toBeGreaterThanOrEqual(3);
  // Every part the old worker had started was answered before the new worker activated: the drain
  // waited for it. (Parts received just after the drain request were started just before it.)
  const startedByOld = [...beforeDrain, ...whileDraining];
  expect(summary(startedByOld.filter((p) => !(p.status === 200 && p.settledAt! <= activatedAt!)))).toEqual(
    [],
  );
  // Draining started no new parts: at most one per sender was already on its way.
  expect(whileDraining.length, 'parts started while draining').toBeLessThanOrEqual(PARALLEL);
  // After the switch only the new worker sent parts: with credentials of its own, never the old
  // worker's (which would mean the old one kept sending after its drain answer).
  const oldTokens = new Set(startedByOld.map((p) => p.securityToken));
  expect(oldTokens.has(undefined)).toBe(false);
  expect(afterSwitch.filter((p) => oldTokens.has(p.securityToken)).map((p) => p.partNumber)).toEqual([]);
  // The new worker reconciled with OSS (ListParts) before resuming, and the upload was initiated once.
  expect(stack.log.of('InitiateMultipartUpload')).toHaveLength(1);
  const resumedAt = Math.min(...afterSwitch.map((p) => p.receivedAt));
  expect(
    stack.log.of('ListParts').some((r) => r.receivedAt >= activatedAt! && r.receivedAt <= resumedAt),
  ).toBe(true);
});
