// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here are OSS callback placeholders, not JavaScript.
import { expect, test } from '@playwright/test';

test.describe('upload settings', () => {
  test('validates inline, explains, saves per browser and keeps the values across reloads', async ({
    page,
  }) => {
    await page.goto('/#/settings');
    await expect(page.getByRole('heading', { name: 'Upload settings' })).toBeVisible();
    // Auto is the default, with the values the engine's planner picks.
    await expect(page.getByRole('radio', { name: 'Auto (recommended)' })).toBeChecked();
    await expect(page.getByText('1 GiB → 128 parts of 8 MiB')).toBeVisible();
    await expect(page.getByText('1 TiB → 9,987 parts of 105 MiB')).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Auto (6 at a time)' })).toBeChecked();

    await page.getByRole('radio', { name: 'Fixed:' }).first().check();
    const partSize = page.getByRole('textbox', { name: 'Part size in MiB' });
    await partSize.fill('0.01');
    await expect(partSize).toHaveAttribute('aria-invalid', 'true');
    await expect(partSize).toHaveAccessibleDescription(/OSS accepts parts from 0.1 MiB to 5 GiB/);

    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('textbox', { name: 'tag 1 value' }).fill('no key');
    await expect(page.getByRole('textbox', { name: 'tag 1 name' })).toHaveAccessibleDescription(
      'Give this tag a key.',
    );

    await page.getByRole('textbox', { name: 'Callback URL' }).fill('ftp://example.com/x');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Not saved' })).toBeVisible();
    await expect(partSize).toBeFocused();
    await expect(page.getByRole('textbox', { name: 'Callback URL' })).toHaveAccessibleDescription(
      /is not an http:\/\/ or https:\/\/ URL/,
    );
    await expect(page.getByRole('textbox', { name: 'Callback body' })).toHaveAccessibleDescription(
      /needs a body/,
    );
    expect(await page.evaluate(() => localStorage.getItem('skylift.upload-settings.v1'))).toBeNull();

    await partSize.fill('16');
    await expect(partSize).toHaveAttribute('aria-invalid', 'false');
    await page.getByRole('textbox', { name: 'tag 1 name' }).fill('project');
    await page.getByRole('textbox', { name: 'tag 1 value' }).fill('<b>x</b> ✓');
    await page.getByRole('button', { name: 'Add metadata' }).click();
    await page.getByRole('textbox', { name: 'metadata 1 name' }).fill('Owner');
    await expect(page.getByRole('textbox', { name: 'metadata 1 name' })).toHaveAccessibleDescription(
      /lowercase/,
    );
    await page.getByRole('textbox', { name: 'metadata 1 name' }).fill('owner');
    await page.getByRole('textbox', { name: 'metadata 1 value' }).fill('ops');
    await page.getByRole('combobox', { name: 'Storage class' }).selectOption('IA');
    await page.getByRole('checkbox', { name: /Never overwrite/ }).check();
    await page.getByRole('textbox', { name: 'Callback URL' }).fill('https://example.com/uploaded');
    await page.getByRole('textbox', { name: 'Callback body' }).fill('object=${object}&size=${size}');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

    const stored = JSON.parse(
      (await page.evaluate(() => localStorage.getItem('skylift.upload-settings.v1')))!,
    );
    expect(stored).toEqual({
      partSize: 16,
      parallel: 'auto',
      storageClass: 'IA',
      forbidOverwrite: true,
      metadata: [{ key: 'owner', value: 'ops' }],
      tags: [{ key: 'project', value: '<b>x</b> ✓' }],
      callback: { url: 'https://example.com/uploaded', body: 'object=${object}&size=${size}', type: 'form' },
    });

    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Part size in MiB' })).toHaveValue('16');
    await expect(page.getByRole('textbox', { name: 'tag 1 value' })).toHaveValue('<b>x</b> ✓');
    await expect(page.getByRole('combobox', { name: 'Storage class' })).toHaveValue('IA');
    await expect(page.getByRole('checkbox', { name: /Never overwrite/ })).toBeChecked();
  });
});
