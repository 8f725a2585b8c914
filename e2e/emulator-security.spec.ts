// The emulator on a developer's machine, attacked from the browser: a page of another origin (a second
// server on another port, as any site the developer visits) tries what its public root key and its
// admin endpoints would allow — and fails, while the app's own page still uploads. Product defaults
// throughout (upload-stack.ts wires the emulator as `npm start` does).

import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import { ossClient } from '../tests/support/ali-oss-client.ts';
import { inAnHour, signPostForm } from '../tests/support/post-form.ts';
import { presignedPath } from '../tests/support/presigned-path.ts';
import {
  browserClientOptions,
  type ConformancePage,
  type ConformanceWindow,
  serveConformancePage,
} from './emulator-page.ts';
import { expect, test } from './fixtures/upload-stack.ts';
import { keyPrefix, makeFile, objectSha256, openApp, uploadItem } from './upload-support.ts';

const BUCKET = EMULATOR_DEFAULTS.bucket;
const SECRET_KEY = 'uploads/private.txt';

let attacker: ConformancePage;
test.beforeAll(async () => {
  // Any page will do: this one also carries ali-oss, as an attacker's page could.
  attacker = await serveConformancePage(async () => ({}));
});
test.afterAll(async () => {
  await attacker.close();
});

/** The attacker's page, under a host name of its own (`*.localhost` is loopback in Chromium). */
const attackerUrl = () => `http://attacker.localhost:${new URL(attacker.url).port}/`;

test('a page of another origin can neither read, delete, upload nor administer; the app still uploads', async ({
  page,
  stack,
}) => {
  test.setTimeout(90_000);
  const emulator = `http://127.0.0.1:${stack.emulator.port}`;
  const put = await presignedPath({ method: 'PUT', bucket: BUCKET, key: SECRET_KEY });
  const stored = await fetch(`${emulator}${put}`, { method: 'PUT', body: Buffer.from('private') });
  expect(stored.status).toBe(200);

  await page.goto(attackerUrl());

  // ali-oss with the public root key: its requests need a CORS preflight, which the bucket refuses.
  const withSdk = await page.evaluate(
    async ({ options, key }) => {
      const client = new (window as unknown as ConformanceWindow).OSS(options);
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          () => 'succeeded',
          (error: { name?: string }) => `failed (${error.name})`,
        );
      return { read: await outcome(client.get(key)), remove: await outcome(client.delete(key)) };
    },
    { options: browserClientOptions(stack.emulator, BUCKET), key: SECRET_KEY },
  );
  expect(withSdk.read).toMatch(/^failed/);
  expect(withSdk.remove).toMatch(/^failed/);

  // Root-key URLs need no preflight: the browser sends a GET or a text/plain POST as it is, so the
  // emulator itself must refuse them. Admin endpoints: a no-cors POST is sent too; PUT/DELETE are
  // preflighted, and the preflight fails.
  const urls = {
    read: `${emulator}${await presignedPath({ method: 'GET', bucket: BUCKET, key: SECRET_KEY, scheme: 'v1' })}`,
    initiate: `${emulator}${await presignedPath({
      method: 'POST',
      bucket: BUCKET,
      key: 'uploads/planted.html',
      query: [['uploads', '']],
      headers: { 'Content-Type': 'text/plain' },
      scheme: 'v1',
    })}`,
    postObject: `${emulator}/`,
    restart: `${emulator}/-/admin/restart`,
    deleteBucket: `${emulator}/-/admin/buckets/${BUCKET}`,
    createBucket: `${emulator}/-/admin/buckets/planted`,
  };
  // A PostObject form (multipart/form-data needs no preflight) with a policy signed by the root key.
  const policy = { expiration: inAnHour(), conditions: [['starts-with', '$key', 'uploads/']] };
  const formFields = {
    key: 'uploads/planted-by-form.html',
    ...signPostForm(ossClient({ url: emulator }), 'V4', policy),
  };
  const restartAnswer = page.waitForResponse(urls.restart);
  const simple = await page.evaluate(
    async ({ urls, formFields }) => {
      const attempt = async (url: string, init: RequestInit) => {
        try {
          const response = await fetch(url, init);
          return `read ${response.status} ${await response.text()}`;
        } catch {
          return 'blocked';
        }
      };
      return {
        read: await attempt(urls.read, {}),
        readBlind: await attempt(urls.read, { mode: 'no-cors' }),
        initiate: await attempt(urls.initiate, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: 'x',
        }),
        postObject: await attempt(urls.postObject, {
          method: 'POST',
          body: (() => {
            const form = new FormData();
            for (const [name, value] of Object.entries(formFields)) form.append(name, value);
            form.append('file', new Blob(['<script>steal()</script>'], { type: 'text/html' }), 'x.html');
            return form;
          })(),
        }),
        restart: await attempt(urls.restart, { method: 'POST', mode: 'no-cors' }),
        deleteBucket: await attempt(urls.deleteBucket, { method: 'DELETE' }),
        createBucket: await attempt(urls.createBucket, { method: 'PUT' }),
      };
    },
    { urls, formFields },
  );
  expect(simple).toEqual({
    read: 'blocked',
    // An opaque answer: the page learns nothing, and the emulator refused it (below).
    readBlind: 'read 0 ',
    initiate: 'blocked',
    postObject: 'blocked',
    restart: 'read 0 ',
    deleteBucket: 'blocked',
    createBucket: 'blocked',
  });
  expect((await restartAnswer).status()).toBe(403);

  // A form POST is a navigation, not subject to CORS at all: the emulator refuses it itself.
  for (const [action, says] of [
    [urls.restart, 'refuses requests a browser sends on behalf of a web page'],
    [urls.initiate, 'root key'],
  ] as const) {
    await page.goto(attackerUrl());
    const answer = page.waitForResponse(action);
    await page.evaluate((action) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = action;
      form.enctype = 'text/plain';
      const field = document.createElement('input');
      field.name = 'x';
      field.value = 'y';
      form.append(field);
      document.body.append(form);
      form.submit();
    }, action);
    expect((await answer).status(), action).toBe(403);
    await page.waitForURL(action);
    await expect(page.locator('body')).toContainText(says);
  }

  // What the emulator saw of the OSS requests: every one that reached it was refused.
  const reached = (['GetObject', 'InitiateMultipartUpload', 'PostObject'] as const).flatMap((name) =>
    stack.log.of(name),
  );
  expect(reached.length).toBeGreaterThanOrEqual(5);
  expect(reached.map((r) => r.status).filter((status) => status !== 403)).toEqual([]);
  expect(stack.log.of('DeleteObject')).toEqual([]);

  // Nothing changed: the object, the bucket, no upload started, no bucket planted.
  expect(await objectSha256(SECRET_KEY, stack.target)).toBeDefined();
  expect(await objectSha256('uploads/planted-by-form.html', stack.target)).toBeUndefined();
  const health = (await (await fetch(`${emulator}/-/health`)).json()) as { buckets: string[] };
  expect(health.buckets).toContain(BUCKET);
  expect(health.buckets).not.toContain('planted');
  const uploads = await fetch(
    `${emulator}${await presignedPath({ method: 'GET', bucket: BUCKET, key: '', query: [['uploads', '']] })}`,
  );
  expect(await uploads.text()).not.toContain('<UploadId>');

  // The app's own page, with STS credentials from its token service, uploads as ever.
  await openApp(page);
  const file = makeFile(300 * 1024);
  await page.getByLabel('Choose files to upload').setInputFiles(file.path);
  await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
  expect(await objectSha256(`${await keyPrefix(page)}${file.name}`, stack.target)).toBe(file.sha256);
});
