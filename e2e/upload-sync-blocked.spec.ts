// A person can block Background Sync in the site settings. Uploads must still run while the app is
// open (the worker runs them directly), not wait for a sync event that never comes, and the page
// must not promise that they carry on after the tab closes.
import { expect, test } from './fixtures/upload-stack.ts';
import {
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  uploadItem,
} from './upload-support.ts';

test('uploads complete with Background Sync blocked for the site', async ({ context, page, stack }) => {
  // Granting an empty list leaves every permission, background-sync included, denied.
  await context.clearPermissions();
  await context.grantPermissions([]);
  await openApp(page);
  expect(
    await page.evaluate(
      async () => (await navigator.permissions.query({ name: 'background-sync' as PermissionName })).state,
    ),
  ).toBe('denied');
  const file = makeFile(3 * MiB);
  const key = `${await keyPrefix(page)}e2e-sync-blocked/${file.name}`;
  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 1 * MiB });
  await enqueueWithOptions(page, [file], [{ key, partSize: 1 * MiB, parallel: 2 }]);
  // Found by feature detection, not by browser: without Background Sync, the page asks for an open tab.
  await expect(page.locator('#after-close')).toHaveText(
    /^Keep a Skylift tab open until the upload finishes:/,
  );
  await stack.setFaults({});
  await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
});
