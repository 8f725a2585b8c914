// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here are OSS callback placeholders, not JavaScript.
import { describe, expect, it } from 'vitest';
import { GiB, MiB } from '../../lib/oss/limits.ts';
import { loadSettings, SETTINGS_STORAGE_KEY, saveSettings } from './settings-store.ts';
import {
  DEFAULT_SETTINGS,
  encodeTagging,
  type SettingsDraft,
  toDraft,
  toUploadOptions,
  validateSettings,
} from './upload-settings.ts';

const draft = (patch: Partial<SettingsDraft> = {}): SettingsDraft => ({
  ...toDraft(DEFAULT_SETTINGS),
  ...patch,
});

describe('validateSettings', () => {
  it('accepts the defaults and maps them to engine defaults (auto = let the planner choose)', () => {
    const { settings, errors } = validateSettings(draft());
    expect(errors).toEqual({});
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(toUploadOptions(settings!)).toEqual({ headers: { 'x-oss-storage-class': 'Standard' } });
  });

  it.each([
    ['', /number of MiB/],
    ['abc', /number of MiB/],
    ['1e3', /number of MiB/],
    ['0.09', /0\.1 MiB to 5 GiB/],
    ['5121', /0\.1 MiB to 5 GiB/],
  ])('refuses part size %j', (text, message) => {
    const { settings, errors } = validateSettings(draft({ partSizeAuto: false, partSizeMiB: text }));
    expect(settings).toBeUndefined();
    expect(errors.partSize).toMatch(message);
  });

  it('accepts the part size bounds and converts MiB to bytes', () => {
    for (const [text, bytes] of [
      ['0.1', Math.round(0.1 * MiB)],
      ['8', 8 * MiB],
      ['5120', 5 * GiB],
    ] as const) {
      const { settings } = validateSettings(draft({ partSizeAuto: false, partSizeMiB: text }));
      expect(toUploadOptions(settings!).partSize).toBe(bytes);
    }
  });

  it('refuses a part size that would need more than 10,000 parts for a file in use, and says what fits', () => {
    const fixed = draft({ partSizeAuto: false, partSizeMiB: '1' });
    expect(validateSettings(fixed, [10_000 * MiB]).errors).toEqual({});
    const { errors } = validateSettings(fixed, [20 * GiB]);
    expect(errors.partSize).toBe(
      '20 GiB in 1 MiB parts would be 20,480 parts; OSS allows 10,000. Use at least 2.1 MiB, or auto.',
    );
    expect(validateSettings(draft(), [20 * GiB]).errors).toEqual({});
  });

  it.each(['0', '17', '2.5', '', '-1'])('refuses parallel %j and accepts 1..16', (text) => {
    expect(validateSettings(draft({ parallelAuto: false, parallel: text })).errors.parallel).toMatch(
      /whole number from 1 to 16/,
    );
    expect(
      toUploadOptions(validateSettings(draft({ parallelAuto: false, parallel: '16' })).settings!).parallel,
    ).toBe(16);
  });

  it('refuses an unknown storage class', () => {
    expect(validateSettings(draft({ storageClass: 'Glacier' })).errors.storageClass).toMatch(/Standard, IA/);
  });

  it('checks metadata names, values and the 8 KB total, per row', () => {
    const { errors } = validateSettings(
      draft({
        metadata: [
          { key: 'Project', value: 'x' },
          { key: 'ok-1', value: 'naïve 😀' },
          { key: 'ok-1', value: 'dup' },
          { key: '', value: '' }, // an empty row is ignored
          { key: '', value: 'orphan value' },
        ],
      }),
    );
    expect(errors['metadata.0.key']).toMatch(/lowercase/);
    expect(errors['metadata.1.value']).toMatch(/ASCII/);
    expect(errors['metadata.2.key']).toMatch(/already used/);
    expect(errors['metadata.3.key']).toBeUndefined();
    expect(errors['metadata.4.key']).toMatch(/name/);
    const big = validateSettings(draft({ metadata: [{ key: 'a', value: 'x'.repeat(8192) }] }));
    expect(big.errors.metadata).toMatch(/8,193 bytes; OSS allows 8,192/);
    const fine = validateSettings(
      draft({ metadata: [{ key: 'project', value: '<script>alert(1)</script>' }] }),
    );
    expect(toUploadOptions(fine.settings!).meta).toEqual({ project: '<script>alert(1)</script>' });
  });

  it('checks tags and URL-encodes them into x-oss-tagging', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(validateSettings(draft({ tags: eleven })).errors.tags).toMatch(/at most 10 tags; there are 11/);
    const bad = validateSettings(
      draft({
        tags: [
          { key: 'a', value: 'x'.repeat(257) },
          { key: 'a', value: '' },
        ],
      }),
    );
    expect(bad.errors['tags.0.value']).toMatch(/256/);
    expect(bad.errors['tags.1.key']).toMatch(/already used/);
    const tags = [
      { key: 'team', value: 'a&b=c' },
      { key: 'נושא', value: '😀 x' },
    ];
    const { settings } = validateSettings(draft({ tags }));
    expect(encodeTagging(tags)).toBe('team=a%26b%3Dc&%D7%A0%D7%95%D7%A9%D7%90=%F0%9F%98%80%20x');
    expect(toUploadOptions(settings!).headers?.['x-oss-tagging']).toBe(encodeTagging(tags));
  });

  it('checks the callback URL, its body placeholders and JSON', () => {
    const check = (patch: Partial<SettingsDraft>) => validateSettings(draft(patch)).errors;
    expect(check({ callbackUrl: 'ftp://x', callbackBody: 'a=1' }).callbackUrl).toMatch(
      /http:\/\/ or https:\/\//,
    );
    expect(check({ callbackUrl: 'https://x.example/cb' }).callbackBody).toMatch(/needs a body/);
    expect(check({ callbackBody: 'a=1' }).callbackUrl).toMatch(/needs a URL/);
    expect(check({ callbackUrl: 'https://x.example', callbackBody: 'a=${nope}' }).callbackBody).toMatch(
      /\$\{nope\} is not a variable/,
    );
    expect(check({ callbackUrl: 'https://x.example', callbackBody: 'a=${object' }).callbackBody).toMatch(
      /not closed/,
    );
    // OSS inserts JSON values with their quotes: a quoted placeholder would render {"k":""a.bin""}.
    expect(
      check({ callbackUrl: 'https://x.example', callbackBody: '{"k":"${object}"}', callbackType: 'json' })
        .callbackBody,
    ).toMatch(/not valid JSON as OSS will fill it in/);
    // The OSS documentation's own example.
    expect(
      check({
        callbackUrl: 'https://x.example',
        callbackBody: '{"mimeType":${mimeType},"size":${size}}',
        callbackType: 'json',
      }).callbackBody,
    ).toBeUndefined();
    const ok = validateSettings(
      draft({
        callbackUrl: 'https://x.example/cb',
        callbackBody: '{"k":${object},"n":${size},"u":${x:user_id}}',
        callbackType: 'json',
        forbidOverwrite: true,
      }),
    );
    expect(ok.errors).toEqual({});
    expect(toUploadOptions(ok.settings!)).toMatchObject({
      headers: { 'x-oss-forbid-overwrite': 'true' },
      callback: {
        url: 'https://x.example/cb',
        body: '{"k":${object},"n":${size},"u":${x:user_id}}',
        contentType: 'application/json',
      },
    });
  });
});

describe('settings storage', () => {
  const memory = () => {
    const map = new Map<string, string>();
    return {
      map,
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
  };

  it('round-trips valid settings and falls back to defaults on missing, corrupt or invalid data', () => {
    const storage = memory();
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
    const settings = validateSettings(
      draft({ partSizeAuto: false, partSizeMiB: '16', tags: [{ key: 't', value: 'v' }] }),
    ).settings!;
    saveSettings(settings, storage);
    expect(loadSettings(storage)).toEqual(settings);
    storage.map.set(SETTINGS_STORAGE_KEY, '{not json');
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
    storage.map.set(SETTINGS_STORAGE_KEY, JSON.stringify({ ...settings, parallel: 99 }));
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('uploadOptionsFor', () => {
  it('adds the key to the settings’ options, and refuses a file the fixed part size cannot cover', async () => {
    const { uploadOptionsFor, SettingsDoNotFitError } = await import('./apply-settings.ts');
    const settings = validateSettings(draft({ partSizeAuto: false, partSizeMiB: '1' })).settings!;
    expect(uploadOptionsFor('uploads/a.bin', 5 * GiB, settings)).toEqual({
      key: 'uploads/a.bin',
      partSize: MiB,
      headers: { 'x-oss-storage-class': 'Standard' },
    });
    expect(() => uploadOptionsFor('uploads/big.bin', 20 * GiB, settings)).toThrow(SettingsDoNotFitError);
    expect(() => uploadOptionsFor('uploads/big.bin', 20 * GiB, settings)).toThrow(
      /uploads\/big\.bin: 20 GiB/,
    );
  });
});
