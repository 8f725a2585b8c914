// Driving the upload view as a person does: choosing files, dropping them (a real `drop` event with
// a DataTransfer of disk-backed Files), settings that make many small parts, and reading the view.
import { expect, type JSHandle, type Locator, type Page } from '@playwright/test';
import { SETTINGS_STORAGE_KEY } from '../src/settings/settings-store.ts';
import { DEFAULT_SETTINGS, type UploadSettings } from '../src/settings/upload-settings.ts';

/** The list item of the upload whose key is `key` (keys are unique; names may repeat). */
export function itemByKey(page: Page, key: string): Locator {
  return page
    .getByRole('list', { name: 'Uploads' })
    .locator('li[data-upload-id]')
    .filter({ has: page.locator('code', { hasText: key }) });
}

/** Upload settings as the settings view would store them (they apply to files chosen afterwards). */
export async function useSettings(page: Page, settings: Partial<UploadSettings>): Promise<void> {
  const all: UploadSettings = { ...DEFAULT_SETTINGS, ...settings };
  await page.evaluate(([name, value]) => localStorage.setItem(name, value), [
    SETTINGS_STORAGE_KEY,
    JSON.stringify(all),
  ] as const);
}

/**
 * A DataTransfer holding the files at `paths`, read from disk through a file input (so they stay
 * disk-backed), each optionally renamed — names no file system allows, such as 1000 characters.
 */
export async function dataTransferOf(
  page: Page,
  paths: string[],
  names: (string | undefined)[] = [],
): Promise<JSHandle<DataTransfer>> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'e2e-drop-source';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#e2e-drop-source', paths);
  return page.evaluateHandle((renames) => {
    const input = document.getElementById('e2e-drop-source') as HTMLInputElement;
    const transfer = new DataTransfer();
    [...(input.files ?? [])].forEach((file, i) => {
      const name = renames[i];
      transfer.items.add(
        name ? new File([file], name, { type: file.type, lastModified: file.lastModified }) : file,
      );
    });
    input.remove();
    return transfer;
  }, names);
}

/** Drags files over the page (the drop overlay shows) and drops them on the upload area. */
export async function dropFiles(
  page: Page,
  paths: string[],
  names: (string | undefined)[] = [],
): Promise<void> {
  const dataTransfer = await dataTransferOf(page, paths, names);
  const target = page.locator('upload-picker');
  await target.dispatchEvent('dragover', { dataTransfer });
  await expect(page.getByText('Drop to upload')).toBeVisible();
  await target.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('Drop to upload')).toBeHidden();
}

/** "7 of 20 parts done" → 7, from the part map's accessible name. */
export async function partsDone(item: Locator): Promise<number> {
  const label = (await item.getByRole('img', { name: /parts? done/ }).getAttribute('aria-label')) ?? '';
  return Number(/^(\d+) of/.exec(label)?.[1] ?? Number.NaN);
}

/** The bytes the progress bar shows. */
export async function progressValue(item: Locator): Promise<number> {
  return Number(await item.getByRole('progressbar').getAttribute('value'));
}

/** The OSS upload id the engine stored for one of its uploads (sw/store/schema.ts). */
export function ossUploadId(page: Page, engineId: string): Promise<string | undefined> {
  return page.evaluate(
    (id) =>
      new Promise<string | undefined>((resolve, reject) => {
        const open = indexedDB.open('skylift-uploads');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('uploads').objectStore('uploads').get(id);
          get.onsuccess = () => {
            db.close();
            resolve((get.result as { uploadId?: string } | undefined)?.uploadId);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    engineId,
  );
}
