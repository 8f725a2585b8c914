// Upload settings live in this browser's localStorage: they are preferences of this device, not of
// the account, and the page reads them synchronously when files are chosen.

import { DEFAULT_SETTINGS, toDraft, type UploadSettings, validateSettings } from './upload-settings.ts';

export const SETTINGS_STORAGE_KEY = 'skylift.upload-settings.v1';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The stored settings, or the defaults when none are stored. What was stored is validated again
 * (it may come from an older version, or from someone editing DevTools), and falls back to the
 * defaults rather than break uploads.
 */
export function loadSettings(storage: KeyValueStorage = localStorage): UploadSettings {
  let stored: unknown;
  try {
    stored = JSON.parse(storage.getItem(SETTINGS_STORAGE_KEY) ?? 'null');
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
  if (stored === null || typeof stored !== 'object') return structuredClone(DEFAULT_SETTINGS);
  try {
    const merged = { ...DEFAULT_SETTINGS, ...(stored as Partial<UploadSettings>) };
    return validateSettings(toDraft(merged)).settings ?? structuredClone(DEFAULT_SETTINGS);
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
}

export function saveSettings(settings: UploadSettings, storage: KeyValueStorage = localStorage): void {
  storage.setItem(SETTINGS_STORAGE_KEY, JSON.stringify(settings));
}
