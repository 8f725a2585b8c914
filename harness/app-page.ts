// Driving Skylift from outside a page, as the page itself does: open the app until its service worker
// controls the page, and talk to that worker over the page↔worker protocol (lib/protocol/messages.ts).
// Used by the e2e tests and the chaos runner; plain Playwright calls, no test-runner assertions, so it
// runs under `node --import tsx` as well as under `playwright test`.

import type { Page } from '@playwright/test';
import type { UploadReply, UploadRequest, UploadView } from '../lib/protocol/messages.ts';
import type { UploadOptions } from '../lib/protocol/upload-options.ts';

/** The worker's answer to a request it refused (e.g. a file that does not fit in the browser's storage). */
export class WorkerRefusal extends Error {
  override name = 'WorkerRefusal';
}

/** Opens the app (`url`, relative to the context's baseURL) and waits until its service worker controls the page. */
export async function openApp(page: Page, url = '/'): Promise<void> {
  await page.goto(url);
  await page.evaluate(async () => navigator.serviceWorker.ready);
  // The first load of an origin is not controlled until the worker claims it or the page reloads.
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) await page.reload();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
}

/** The key prefix the token service allows (keys outside it are refused by OSS). */
export async function keyPrefix(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const response = await fetch('/api/credentials', {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    return ((await response.json()) as { prefix: string }).prefix;
  });
}

/** Posts one page→worker request and returns the worker's reply. */
export async function askWorker<T = UploadReply>(page: Page, request: UploadRequest): Promise<T> {
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

/**
 * Hands files on disk to the worker with full options, through a file input (disk-backed Files, as a
 * person's selection gives them). Resolves with the new upload ids; throws the worker's refusal.
 */
export async function enqueueFiles(page: Page, paths: string[], options: UploadOptions[]): Promise<string[]> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'skylift-harness-files';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#skylift-harness-files', paths);
  const reply = await page.evaluate(async (opts) => {
    const input = document.getElementById('skylift-harness-files') as HTMLInputElement;
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
  if (reply.error !== undefined) throw new WorkerRefusal(`The worker refused the files: ${reply.error}`);
  return reply.uploadIds ?? [];
}

/**
 * Current views as the worker reports them: unfinished uploads, then the newest page of finished ones
 * (also resumes unfinished uploads: it is the page's hello).
 */
export async function uploadViews(page: Page): Promise<UploadView[]> {
  const reply = await askWorker<{ uploads?: UploadView[]; history?: UploadView[] }>(page, {
    type: 'upload/hello',
  });
  return [...(reply.uploads ?? []), ...(reply.history ?? [])];
}
