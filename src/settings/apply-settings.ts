// Where settings meet a chosen file: the upload view calls this per file when it enqueues.

import { MAX_PARTS, MiB } from '../../lib/oss/limits.ts';
import type { UploadOptions } from '../../lib/protocol/upload-options.ts';
import { loadSettings } from './settings-store.ts';
import { toDraft, toUploadOptions, type UploadSettings, validateSettings } from './upload-settings.ts';

/** A fixed part size that cannot cut this file into at most 10,000 parts. */
export class SettingsDoNotFitError extends Error {
  override name = 'SettingsDoNotFitError';
}

/**
 * The options for uploading a file of `size` bytes to `key` with this browser's settings. Throws
 * SettingsDoNotFitError, with a message for people, when the fixed part size is too small for it.
 */
export function uploadOptionsFor(
  key: string,
  size: number,
  settings: UploadSettings = loadSettings(),
): UploadOptions {
  // Only a fixed part size can fail to fit a file; the full check (which words the message) runs
  // only then, since a folder of a thousand files asks once per file.
  const fixed = settings.partSize === 'auto' ? undefined : Math.round(settings.partSize * MiB);
  if (fixed !== undefined && Math.ceil(size / fixed) > MAX_PARTS) {
    const { errors } = validateSettings(toDraft(settings), [size]);
    if (errors.partSize) throw new SettingsDoNotFitError(`${key}: ${errors.partSize}`);
  }
  return { key, ...toUploadOptions(settings) };
}
