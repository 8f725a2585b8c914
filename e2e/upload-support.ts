// Shared by the upload e2e specs: real files on disk, the emulator's view of an object, and a way
// to hand files to the service worker with full options through the page↔worker protocol.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { type AppPage, enqueueFiles, keyPrefix, uploadViews } from '../harness/app-page.ts';
import { type EmulatorTarget, emulatorRequest as rootRequest } from '../harness/emulator-root.ts';
import type { UploadOptions } from '../lib/protocol/upload-options.ts';
import { E2E_EMULATOR_PORT } from '../playwright.config.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import { UPLOAD_DB_NAME } from '../sw/store/schema.ts';

export type { AppPage } from '../harness/app-page.ts';
export { askWorker, keyPrefix, openApp, uploadViews, workerControls } from '../harness/app-page.ts';
export type { EmulatorTarget } from '../harness/emulator-root.ts';

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

export const DEFAULT_EMULATOR: EmulatorTarget = {
  url: `http://127.0.0.1:${E2E_EMULATOR_PORT}`,
  bucket: EMULATOR_DEFAULTS.bucket,
};

/** A request to the emulator signed with its root key (the test's own view, not the app's). */
export function emulatorRequest(method: string, key: string, target = DEFAULT_EMULATOR): Promise<Response> {
  return rootRequest(method, key, target);
}

export async function objectSha256(key: string, target = DEFAULT_EMULATOR): Promise<string | undefined> {
  const response = await emulatorRequest('GET', key, target);
  if (response.status !== 200) return undefined;
  return createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex');
}

/** Hands disk files to the worker with full options, through a file input (disk-backed Files). */
export function enqueueWithOptions(
  page: AppPage,
  files: DiskFile[],
  options: UploadOptions[],
): Promise<string[]> {
  return enqueueFiles(
    page,
    files.map((f) => f.path),
    options,
  );
}

/**
 * Queues one disk file as `<the user's prefix><folder>/<file name>`, the way each test names its
 * upload; returns that key and the upload's id.
 */
export async function queueInFolder(
  page: AppPage,
  file: DiskFile,
  folder: string,
  options: Omit<UploadOptions, 'key'> = {},
): Promise<{ key: string; id: string }> {
  const key = `${await keyPrefix(page)}${folder}/${file.name}`;
  const [id] = await enqueueWithOptions(page, [file], [{ key, ...options }]);
  return { key, id: id! };
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
