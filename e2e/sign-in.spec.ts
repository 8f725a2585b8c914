// Skylift's own sign-in, walked through in the browser against a real OpenID provider started for
// each test: people sign in, upload under their own prefix, see only their own unfinished uploads (an
// administrator sees everyone's), and sign out; the strict Content-Security-Policy holds throughout;
// the worker gets tokens with no page open, and a session that ends mid-upload asks to sign in again.
import { openOssDevice, withOss } from './dashboard-oss.ts';
import { expect, signIn, test, watchCsp } from './fixtures/sign-in-stack.ts';
import {
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  uploadItem,
  uploadViews,
  workerControls,
} from './upload-support.ts';

test.describe('signing in with OpenID Connect', () => {
  test('a person signs in, uploads under their own prefix, uses the dashboard and signs out, with no CSP violation', async ({
    page,
    stack,
    identity,
  }) => {
    const violations = await watchCsp(page);
    const shell = await page.goto('/');
    expect(shell?.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(shell?.headers()['x-frame-options']).toBe('DENY');
    await expect(page.locator('session-status').getByRole('alert')).toContainText(
      'Sign in to Skylift to upload.',
    );
    await signIn(page, 'alice');
    await workerControls(page);
    expect(await keyPrefix(page)).toBe('uploads/alice@example.com/');

    const file = makeFile(300 * 1024);
    await page.getByLabel('Choose files to upload').setInputFiles(file.path);
    await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
    expect(await objectSha256(`uploads/alice@example.com/${file.name}`, stack.target)).toBe(file.sha256);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect(
      page.getByRole('heading', { name: 'Unfinished uploads in skylift-dev/uploads/alice@example.com/' }),
    ).toBeVisible();
    await expect(page.getByText('0 unfinished, 0 orphans.')).toBeVisible();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Upload settings' })).toBeFocused();
    expect(await violations()).toEqual([]);

    // Signing out ends the session here and at the provider, which asks to confirm.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(new RegExp(`^${identity.provider.issuer}/`));
    await page.getByRole('button', { name: /yes, sign me out/i }).click();
    await expect(page).toHaveURL(`${identity.publicUrl}/`);
    await expect(page.locator('session-status').getByRole('alert')).toContainText(
      'Sign in to Skylift to upload.',
    );
    const refused = await page.evaluate(
      async () => (await fetch('/api/credentials', { method: 'POST' })).status,
    );
    expect(refused).toBe(401);
    expect(await violations()).toEqual([]);
  });

  test('two people see only their own unfinished uploads, and cannot list or read the other’s; an administrator sees both', async ({
    browser,
    page,
  }) => {
    await signIn(page, 'alice');
    await openOssDevice(page);
    const aliceKey = `uploads/alice@example.com/e2e-unfinished-${Date.now()}.bin`;
    const started = await withOss(page, 'start', { key: aliceKey, parts: 1 });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const aliceUpload = started.value as string;

    const bobContext = await browser.newContext();
    const bob = await bobContext.newPage();
    await signIn(bob, 'bob');
    await bob.getByRole('link', { name: 'Dashboard' }).click();
    await expect(bob.getByText('0 unfinished, 0 orphans.')).toBeVisible();
    await expect(bob.getByText(aliceKey)).toHaveCount(0);
    // Bob's own tokens, used by hand in his browser, are refused on Alice's prefix.
    await openOssDevice(bob);
    expect(await withOss(bob, 'listUploads', { key: 'uploads/alice@example.com/' })).toMatchObject({
      ok: false,
      code: 'AccessDenied',
    });
    expect(await withOss(bob, 'listParts', { key: aliceKey, uploadId: aliceUpload })).toMatchObject({
      ok: false,
      code: 'AccessDenied',
    });
    await bobContext.close();

    const carolContext = await browser.newContext();
    const carol = await carolContext.newPage();
    await signIn(carol, 'carol');
    await expect(carol.getByText('Signed in as Carol Admin (administrator)')).toBeVisible();
    await carol.getByRole('link', { name: 'Dashboard' }).click();
    await expect(
      carol.getByRole('heading', { name: 'Unfinished uploads in skylift-dev/uploads/' }),
    ).toBeVisible();
    await expect(carol.getByText('Every user’s uploads: you administer Skylift.')).toBeVisible();
    await expect(carol.locator(`li[data-upload-id="${aliceUpload}"]`)).toContainText(aliceKey);
    await carolContext.close();
  });
});

test.describe('sessions and the service worker', () => {
  // Tokens that live 3 s: the worker asks the token service again and again while it uploads.
  test.use({ extraEnv: { OSS_STS_DURATION_SECONDS: '3' } });

  test('the worker keeps getting tokens with no page open while the session is valid', async ({
    context,
    stack,
  }) => {
    const page = await context.newPage();
    await signIn(page, 'alice');
    await workerControls(page);
    await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 1 * MiB });
    const file = makeFile(6 * MiB);
    const key = `uploads/alice@example.com/e2e-no-page-${file.name}`;
    const [id] = await enqueueWithOptions(page, [file], [{ key, partSize: 1 * MiB, parallel: 1 }]);
    await expect
      .poll(async () => (await uploadViews(page)).find((u) => u.id === id)?.bytesConfirmed ?? 0)
      .toBeGreaterThan(0);
    const tokensBefore = new Set(stack.log.of('UploadPart').map((r) => r.securityToken)).size;
    await page.close();
    await expect
      .poll(() => objectSha256(key, stack.target), { timeout: 60_000, intervals: [500] })
      .toBe(file.sha256);
    // Parts signed with tokens the worker fetched after the page had gone.
    expect(new Set(stack.log.of('UploadPart').map((r) => r.securityToken)).size).toBeGreaterThan(
      tokensBefore,
    );
  });

  test.describe('and sessions that last 15 s', () => {
    test.use({ extraEnv: { OSS_STS_DURATION_SECONDS: '3', SESSION_MAX_AGE_SECONDS: '15' } });

    test('a session that ends mid-upload says "sign in again"; signing in again finishes the upload', async ({
      page,
      stack,
    }) => {
      await signIn(page, 'alice');
      await workerControls(page);
      // 30 MiB at 1 MiB/s: still uploading when the session ends, whatever the machine's pace.
      await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 1 * MiB });
      const file = makeFile(30 * MiB);
      const key = `uploads/alice@example.com/e2e-expired-${file.name}`;
      await enqueueWithOptions(page, [file], [{ key, partSize: 1 * MiB, parallel: 1 }]);

      const item = uploadItem(page, file.name);
      await expect(item).toContainText('Your Skylift sign-in expired at', { timeout: 45_000 });
      await expect(item).toContainText('Sign in again to continue.');
      await expect(page.locator('session-status').getByRole('alert')).toContainText(
        'Sign in again to continue.',
      );
      expect(await objectSha256(key, stack.target)).toBeUndefined();

      // The provider still knows Alice: "Sign in" comes straight back, and the upload carries on.
      await stack.setFaults({});
      await page.getByRole('link', { name: 'Sign in' }).click();
      await expect(page.getByText('Signed in as Alice Liddell')).toBeVisible();
      await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
      expect(await objectSha256(key, stack.target)).toBe(file.sha256);
    });
  });
});
