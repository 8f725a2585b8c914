// Driving Skylift from outside a page, as the page itself does: open the app until its service worker
// controls the page, and talk to that worker over the page↔worker protocol (lib/protocol/messages.ts).
// Used by the e2e tests and the chaos runner; plain page calls, no test-runner assertions, so it runs
// under `node --import tsx` as well as under `playwright test`.

import { setTimeout as sleep } from 'node:timers/promises';
import type { UploadReply, UploadRequest, UploadView } from '../lib/protocol/messages.ts';
import type { UploadOptions } from '../lib/protocol/upload-options.ts';

/** The worker's answer to a request it refused (e.g. a file that does not fit in the browser's storage). */
export class WorkerRefusal extends Error {
  override name = 'WorkerRefusal';
}

/**
 * What these helpers need of a page. Playwright's Page has it, and so has the WebKit suite's page
 * driven over WebDriver (e2e/webkit/webdriver-page.ts): one set of helpers for every browser.
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

/** How long a page may take to come under its service worker's control after a load. */
const CONTROL_TIMEOUT_MS = 30_000;

/** Opens the app (`url`, relative to the app's origin) and waits until its service worker controls the page. */
export async function openApp(page: AppPage, url = '/'): Promise<void> {
  await page.goto(url);
  await workerControls(page);
}

/** Waits until the service worker controls the open page (it registers on the first visit). */
export async function workerControls(page: AppPage): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const controlled = () => page.evaluate(() => Boolean(navigator.serviceWorker.controller));
  // The first load of an origin is not controlled until the worker claims it or the page reloads.
  if (!(await controlled())) await page.reload();
  const deadline = Date.now() + CONTROL_TIMEOUT_MS;
  while (!(await controlled())) {
    if (Date.now() > deadline) {
      throw new Error(`The service worker did not control the page within ${CONTROL_TIMEOUT_MS / 1000} s`);
    }
    await sleep(100);
  }
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
export async function askWorker<T = UploadReply>(page: AppPage, request: UploadRequest): Promise<T> {
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
export async function enqueueFiles(
  page: AppPage,
  paths: string[],
  options: UploadOptions[],
): Promise<string[]> {
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
export async function uploadViews(page: AppPage): Promise<UploadView[]> {
  const reply = await askWorker<{ uploads?: UploadView[]; history?: UploadView[] }>(page, {
    type: 'upload/hello',
  });
  return [...(reply.uploads ?? []), ...(reply.history ?? [])];
}
