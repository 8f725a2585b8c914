// Driving pages: Skylift's own UI (select files as a person does), and a bare page on the app's origin
// for the baselines. Timestamps taken in a page are Date.now(), the clock the emulator process stamps
// its traffic with, so the two can be subtracted.

import type { Page } from '@playwright/test';
import type { UploadOptions } from '../../lib/protocol/upload-options.ts';

const UI_FILE_INPUT = 'Choose files to upload';
/** Id of the hidden input on a bare page; page code reads `document.getElementById(BARE_INPUT_ID).files`. */
export const BARE_INPUT_ID = 'bench-files';

/** Opens the app and waits until its service worker controls the page (as e2e/upload-support.ts does). */
export async function openApp(page: Page, appUrl: string): Promise<void> {
  await page.goto(appUrl);
  await page.evaluate(async () => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) await page.reload();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
}

/**
 * A page of the app's origin that runs no app code (the token service's health JSON), with a hidden
 * file input: the baselines run here, cross-origin to the emulator like Skylift, but without its worker.
 */
export async function openBarePage(page: Page, appUrl: string): Promise<void> {
  await page.goto(`${appUrl}/api/health`);
  await addBareInput(page);
}

async function addBareInput(page: Page): Promise<void> {
  await page.evaluate((id) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = id;
    input.hidden = true;
    document.body.append(input);
  }, BARE_INPUT_ID);
}

export async function setBareFiles(page: Page, paths: string[]): Promise<void> {
  await page.setInputFiles(`#${BARE_INPUT_ID}`, paths);
}

/**
 * Selects files in Skylift's file input, as a person does, and returns when the selection happened:
 * Date.now() in the page's first `change` listener (a capturing one, so it runs before the app's).
 */
export async function selectInUi(page: Page, paths: string[]): Promise<number> {
  const input = page.getByLabel(UI_FILE_INPUT);
  await input.evaluate((element) => {
    element.addEventListener(
      'change',
      () => {
        (window as unknown as { benchSelectedAt: number }).benchSelectedAt = Date.now();
      },
      { capture: true, once: true },
    );
  });
  await input.setInputFiles(paths);
  return page.evaluate(() => (window as unknown as { benchSelectedAt: number }).benchSelectedAt);
}

/**
 * Queues files with options the UI does not offer (a forced part size), through the same page→worker
 * message the UI sends; returns Date.now() just before the message was posted.
 */
export async function enqueueWithOptions(
  page: Page,
  paths: string[],
  options: UploadOptions[],
): Promise<number> {
  await addBareInput(page);
  await setBareFiles(page, paths);
  const { sentAt, error } = await page.evaluate(
    async ({ id, opts }) => {
      const input = document.getElementById(id) as HTMLInputElement;
      const items = [...(input.files ?? [])].map((file, i) => ({ file, options: opts[i] }));
      input.remove();
      const registration = await navigator.serviceWorker.ready;
      const channel = new MessageChannel();
      const answer = new Promise<{ ok: boolean; error?: string }>((resolve) => {
        channel.port1.onmessage = (event) => resolve(event.data);
      });
      const at = Date.now();
      (navigator.serviceWorker.controller ?? registration.active)!.postMessage(
        { type: 'upload/enqueue', items },
        [channel.port2],
      );
      return { sentAt: at, error: (await answer).error };
    },
    { id: BARE_INPUT_ID, opts: options },
  );
  if (error !== undefined) throw new Error(`enqueue refused: ${error}`);
  return sentAt;
}
