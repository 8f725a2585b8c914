// Shared by the upload e2e specs: real files on disk, the emulator's view of an object, and a way
// to hand files to the service worker with full options through the page↔worker protocol.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { signRequestV4 } from '../lib/oss/sign-v4.ts';
import { objectUrl } from '../lib/oss-client/object-url.ts';
import type { UploadView } from '../lib/protocol/messages.ts';
import type { UploadOptions } from '../lib/protocol/upload-options.ts';
import { E2E_EMULATOR_PORT } from '../playwright.config.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import { UPLOAD_DB_NAME } from '../sw/store/schema.ts';

export const MiB = 1024 * 1024;

export interface DiskFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

/** Random bytes in a file on disk (in-memory Files of tens of MB fail in Chromium). */
export function makeFile(
  size: number,
  name = `file-${size}-${Date.now()}.bin`,
  dir = mkdtempSync(join(tmpdir(), 'skylift-e2e-')),
): DiskFile {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, name, size, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** SHA-256 of a file as it is on disk now. */
export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface EmulatorTarget {
  url: string;
  bucket: string;
}

export const DEFAULT_EMULATOR: EmulatorTarget = {
  url: `http://127.0.0.1:${E2E_EMULATOR_PORT}`,
  bucket: EMULATOR_DEFAULTS.bucket,
};

/** A request to the emulator signed with its root key (the test's own view, not the app's). */
export async function emulatorRequest(
  method: string,
  key: string,
  target = DEFAULT_EMULATOR,
): Promise<Response> {
  const credentials = {
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const headers = await signRequestV4({ method, bucket: target.bucket, key }, credentials, {
    region: EMULATOR_DEFAULTS.region,
    now: new Date(),
  });
  return fetch(objectUrl(target.url, target.bucket, key), { method, headers });
}

export async function objectSha256(key: string, target = DEFAULT_EMULATOR): Promise<string | undefined> {
  const response = await emulatorRequest('GET', key, target);
  if (response.status !== 200) return undefined;
  return createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex');
}

/**
 * What the helpers below need of a page. Playwright's Page has it, and so has the WebKit suite's
 * page driven over WebDriver (e2e/webkit/webdriver-page.ts): one set of helpers for every browser.
 */
export interface AppPage {
  /** A path is taken relative to the app's origin. */
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Sets the files of the (light-DOM) file input `selector` from paths on disk. */
  setInputFiles(selector: string, files: string[]): Promise<void>;
}

/** Opens the app and waits until its service worker controls the page. */
export async function openApp(page: AppPage): Promise<void> {
  await page.goto('/');
  await workerControls(page);
}

/** Waits until the service worker controls the open page (it registers on the first visit). */
export async function workerControls(page: AppPage): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
}

/** The key prefix the token service allows (keys outside it are refused by OSS). */
export async function keyPrefix(page: AppPage): Promise<string> {
  return page.evaluate(async () => {
    const response = await fetch('/api/credentials', {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    return ((await response.json()) as { prefix: string }).prefix;
  });
}

/** Posts one page→worker request and returns the worker's reply. */
export async function askWorker<T>(page: AppPage, request: unknown): Promise<T> {
  return page.evaluate(async (message) => {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const reply = new Promise((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data);
    });
    (navigator.serviceWorker.controller ?? registration.active)!.postMessage(message, [channel.port2]);
    return reply;
  }, request) as Promise<T>;
}

/** Hands disk files to the worker with full options, through a file input (disk-backed Files). */
export async function enqueueWithOptions(
  page: AppPage,
  files: DiskFile[],
  options: UploadOptions[],
): Promise<string[]> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'e2e-files';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles(
    '#e2e-files',
    files.map((f) => f.path),
  );
  const reply = await page.evaluate(async (opts) => {
    const input = document.getElementById('e2e-files') as HTMLInputElement;
    const items = [...(input.files ?? [])].map((file, i) => ({ file, options: opts[i] }));
    input.remove();
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const answer = new Promise<{ ok: boolean; uploadIds?: string[]; error?: string }>((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data);
    });
    (navigator.serviceWorker.controller ?? registration.active)!.postMessage(
      { type: 'upload/enqueue', items },
      [channel.port2],
    );
    return answer;
  }, options);
  expect(reply.error).toBeUndefined();
  return reply.uploadIds ?? [];
}

/**
 * Current views as the worker reports them: unfinished uploads, then the newest page of finished ones
 * (also resumes unfinished uploads: it is the page's hello).
 */
export async function uploadViews(page: AppPage): Promise<UploadView[]> {
  const reply = await askWorker<{ uploads?: UploadView[]; history?: UploadView[] }>(page, {
    type: 'upload/hello',
  });
  return [...(reply.uploads ?? []), ...(reply.history ?? [])];
}

/** The list item the upload-queue component renders for an upload. */
export function uploadItem(page: Page, fileName: string) {
  return page.getByRole('list', { name: 'Uploads' }).getByRole('listitem').filter({ hasText: fileName });
}

/**
 * Writes one of the worker's settings (store `settings` of its database, e.g. SYNC_BUDGET_SETTING) —
 * a test's own affordance: the product has no message for it. The worker is asked hello first, so its
 * database exists with its schema before the page opens it.
 */
export async function setWorkerSetting(
  page: Page,
  name: string,
  value: number | string | boolean,
): Promise<void> {
  await uploadViews(page);
  await page.evaluate(
    async ({ db: dbName, name, value }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(dbName);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put(value, name);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { db: UPLOAD_DB_NAME, name, value },
  );
}
