// Ten thousand finished uploads: the page shows the newest page of them and fetches older pages on
// request, and the ten-a-second snapshots carry only what changed, not the history.
import { HISTORY_PAGE_SIZE, UPLOAD_CHANNEL } from '../lib/protocol/messages.ts';
import { UPLOAD_DB_NAME } from '../sw/store/schema.ts';
import { expect, test } from './fixtures/upload-stack.ts';
import { MiB, makeFile, openApp } from './upload-support.ts';

const SEEDED = 10_000;
const seedName = (i: number) => `seed-${String(i).padStart(5, '0')}.bin`;

test('10,000 finished uploads: the newest page is shown, older pages on request, and snapshots stay small', async ({
  page,
}) => {
  await openApp(page);
  // Seeded straight into the worker's database: ten thousand real uploads would take an hour.
  await page.evaluate(
    async ({ name, count }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction('history', 'readwrite');
      for (let i = 0; i < count; i++) {
        tx.objectStore('history').put({
          id: `seed-${i}`,
          key: `uploads/seed/${i}.bin`,
          fileName: `seed-${String(i).padStart(5, '0')}.bin`, // seedName(i)
          size: 1000,
          lastModified: 0,
          state: 'done',
          result: { etag: '"0"', crc64: '0' },
          createdAt: 1_000_000 + i,
          finishedAt: 1_000_000 + i,
        });
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { name: UPLOAD_DB_NAME, count: SEEDED },
  );
  await page.reload();
  await page.evaluate((channel) => {
    const sizes: number[] = [];
    (window as unknown as { snapshotSizes: number[] }).snapshotSizes = sizes;
    new BroadcastChannel(channel).onmessage = (event) => sizes.push(JSON.stringify(event.data).length);
  }, UPLOAD_CHANNEL);

  const items = page.getByRole('list', { name: 'Uploads' }).locator('li[data-upload-id]');
  await expect(items).toHaveCount(HISTORY_PAGE_SIZE);
  await expect(items.first()).toContainText(seedName(SEEDED - 1));

  const file = makeFile(4 * MiB);
  await page.getByLabel('Choose files to upload').setInputFiles(file.path);
  const item = items.filter({ hasText: file.name });
  await expect(item.getByRole('status')).toHaveText('done', { timeout: 30_000 });
  await expect(items).toHaveCount(HISTORY_PAGE_SIZE + 1);
  const sizes = await page.evaluate(() => (window as unknown as { snapshotSizes: number[] }).snapshotSizes);
  expect(sizes.length).toBeGreaterThan(0);
  // One upload's view is well under 2 KB; the history alone would be megabytes.
  expect(Math.max(...sizes)).toBeLessThan(8_000);

  await page.getByRole('button', { name: 'Show older uploads' }).click();
  await expect(items).toHaveCount(2 * HISTORY_PAGE_SIZE + 1);
  await expect(items.last()).toContainText(seedName(SEEDED - 2 * HISTORY_PAGE_SIZE));
});
