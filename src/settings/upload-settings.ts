// Upload settings as a person edits them (SettingsDraft: the form's strings) and as they are stored
// and applied (UploadSettings: typed, valid). toUploadOptions maps them onto the engine's
// UploadOptions, so there is one definition of what an upload accepts (lib/protocol/upload-options.ts)
// and one of how parts are planned (lib/upload-plan/part-plan.ts).

import { callbackBodyProblem } from '../../lib/oss/callback-body.ts';
import { MAX_PART_SIZE, MAX_PARTS, MAX_TAGS, MiB } from '../../lib/oss/limits.ts';
import { STORAGE_CLASSES, type StorageClass } from '../../lib/oss/storage-class.ts';
import type { UploadCallback, UploadOptions } from '../../lib/protocol/upload-options.ts';
import { DEFAULT_PARALLEL, MAX_PARALLEL, type PartPlan, planParts } from '../../lib/upload-plan/part-plan.ts';
import { formatBytes, formatCount } from '../dashboard/format.ts';

export { MAX_TAGS, STORAGE_CLASSES, type StorageClass };

export type CallbackBodyType = 'form' | 'json';
export const CALLBACK_CONTENT_TYPES: Record<CallbackBodyType, NonNullable<UploadCallback['contentType']>> = {
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
};

export interface KeyValue {
  key: string;
  value: string;
}

/** Valid settings; `'auto'` leaves the choice to the engine's planner. */
export interface UploadSettings {
  /** Part size in MiB. */
  partSize: 'auto' | number;
  parallel: 'auto' | number;
  storageClass: StorageClass;
  forbidOverwrite: boolean;
  metadata: KeyValue[];
  tags: KeyValue[];
  /** Undefined: no callback. */
  callback?: { url: string; body: string; type: CallbackBodyType };
}

/** What the settings form holds: numbers as typed, rows as entered, empty callback = none. */
export interface SettingsDraft {
  partSizeAuto: boolean;
  partSizeMiB: string;
  parallelAuto: boolean;
  parallel: string;
  storageClass: string;
  forbidOverwrite: boolean;
  metadata: KeyValue[];
  tags: KeyValue[];
  callbackUrl: string;
  callbackBody: string;
  callbackType: CallbackBodyType;
}

/**
 * Field ids, also used as element ids for aria-describedby: `partSize`, `parallel`, `storageClass`,
 * `metadata`, `metadata.<row>.key|value`, `tags`, `tags.<row>.key|value`, `callbackUrl`, `callbackBody`.
 */
export type FieldErrors = Record<string, string>;

export const DEFAULT_SETTINGS: UploadSettings = {
  partSize: 'auto',
  parallel: 'auto',
  storageClass: 'Standard',
  forbidOverwrite: false,
  metadata: [],
  tags: [],
};

/** OSS limits: user metadata (names + values) at most 8 KB; at most 10 tags of 128/256 characters. */
export const MAX_METADATA_BYTES = 8 * 1024;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MIN_PART_SIZE_MIB = 0.1;
export const MAX_PART_SIZE_MIB = MAX_PART_SIZE / MiB;
/** OSS tries up to five callback URLs, separated by `;` (OSS API reference: "Callback"). */
const MAX_CALLBACK_URLS = 5;

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

export function toDraft(settings: UploadSettings): SettingsDraft {
  return {
    partSizeAuto: settings.partSize === 'auto',
    partSizeMiB: settings.partSize === 'auto' ? '' : String(settings.partSize),
    parallelAuto: settings.parallel === 'auto',
    parallel: settings.parallel === 'auto' ? '' : String(settings.parallel),
    storageClass: settings.storageClass,
    forbidOverwrite: settings.forbidOverwrite,
    metadata: settings.metadata.map((row) => ({ ...row })),
    tags: settings.tags.map((row) => ({ ...row })),
    callbackUrl: settings.callback?.url ?? '',
    callbackBody: settings.callback?.body ?? '',
    callbackType: settings.callback?.type ?? 'form',
  };
}

/** A plain decimal, so "1e3", "0x10" or "12abc" are refused rather than guessed at. */
function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : undefined;
}

function validatePartSize(draft: SettingsDraft, fileSizes: readonly number[], errors: FieldErrors) {
  if (draft.partSizeAuto) return 'auto' as const;
  const mib = parseDecimal(draft.partSizeMiB);
  if (mib === undefined) {
    errors.partSize = 'Enter the part size as a number of MiB, e.g. 8 or 0.5, or choose auto.';
    return undefined;
  }
  if (mib < MIN_PART_SIZE_MIB || mib > MAX_PART_SIZE_MIB) {
    errors.partSize = `OSS accepts parts from ${MIN_PART_SIZE_MIB} MiB to 5 GiB (${MAX_PART_SIZE_MIB} MiB).`;
    return undefined;
  }
  const largest = Math.max(0, ...fileSizes);
  const bytes = Math.round(mib * MiB);
  const parts = Math.ceil(largest / bytes);
  if (parts > MAX_PARTS) {
    const needed = Math.ceil((largest / MAX_PARTS / MiB) * 10) / 10;
    errors.partSize =
      `${formatBytes(largest)} in ${formatCount(mib)} MiB parts would be ${formatCount(parts)} parts; ` +
      `OSS allows ${formatCount(MAX_PARTS)}. Use at least ${formatCount(needed)} MiB, or auto.`;
    return undefined;
  }
  return mib;
}

function validateParallel(draft: SettingsDraft, errors: FieldErrors) {
  if (draft.parallelAuto) return 'auto' as const;
  const n = parseDecimal(draft.parallel);
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PARALLEL) {
    errors.parallel = `Enter a whole number from 1 to ${MAX_PARALLEL}, or choose auto.`;
    return undefined;
  }
  return n;
}

/** Rows with both cells empty are ignored, so an added-but-unused row is no error. */
const filledRows = (rows: readonly KeyValue[]) =>
  rows.map((row, index) => ({ ...row, index })).filter((row) => row.key !== '' || row.value !== '');

function validateMetadata(rows: readonly KeyValue[], errors: FieldErrors): KeyValue[] {
  const seen = new Set<string>();
  let bytes = 0;
  const valid: KeyValue[] = [];
  for (const row of filledRows(rows)) {
    const at = `metadata.${row.index}`;
    let ok = true;
    if (!/^[a-z0-9-]+$/.test(row.key)) {
      errors[`${at}.key`] = row.key
        ? 'Use only lowercase letters a–z, digits and -.'
        : 'Give this metadata a name.';
      ok = false;
    } else if (seen.has(row.key)) {
      errors[`${at}.key`] = `"${row.key}" is already used above.`;
      ok = false;
    }
    // Metadata travels as HTTP header values, which browsers refuse outside printable ASCII.
    if (!/^[\x20-\x7e]*$/.test(row.value)) {
      errors[`${at}.value`] =
        'Use printable ASCII only (headers cannot carry other characters); URL-encode anything else.';
      ok = false;
    }
    seen.add(row.key);
    bytes += utf8Length(row.key) + utf8Length(row.value);
    if (ok) valid.push({ key: row.key, value: row.value });
  }
  if (bytes > MAX_METADATA_BYTES) {
    errors.metadata = `Metadata is ${formatCount(bytes)} bytes; OSS allows ${formatCount(MAX_METADATA_BYTES)} (8 KB) in all.`;
  }
  return valid;
}

function validateTags(rows: readonly KeyValue[], errors: FieldErrors): KeyValue[] {
  const filled = filledRows(rows);
  if (filled.length > MAX_TAGS)
    errors.tags = `OSS allows at most ${MAX_TAGS} tags; there are ${filled.length}.`;
  const seen = new Set<string>();
  const valid: KeyValue[] = [];
  for (const row of filled) {
    const at = `tags.${row.index}`;
    let ok = true;
    if (row.key === '') {
      errors[`${at}.key`] = 'Give this tag a key.';
      ok = false;
    } else if ([...row.key].length > MAX_TAG_KEY_LENGTH) {
      errors[`${at}.key`] = `Tag keys can be at most ${MAX_TAG_KEY_LENGTH} characters.`;
      ok = false;
    } else if (seen.has(row.key)) {
      errors[`${at}.key`] = `"${row.key}" is already used above.`;
      ok = false;
    }
    if ([...row.value].length > MAX_TAG_VALUE_LENGTH) {
      errors[`${at}.value`] = `Tag values can be at most ${MAX_TAG_VALUE_LENGTH} characters.`;
      ok = false;
    }
    seen.add(row.key);
    if (ok) valid.push({ key: row.key, value: row.value });
  }
  return valid;
}

function validateCallback(draft: SettingsDraft, errors: FieldErrors): UploadSettings['callback'] | null {
  const url = draft.callbackUrl.trim();
  const body = draft.callbackBody;
  if (url === '' && body.trim() === '') return undefined;
  let ok = true;
  if (url === '') {
    errors.callbackUrl = 'A callback needs a URL (or clear the body to send none).';
    ok = false;
  } else {
    const urls = url.split(';');
    if (urls.length > MAX_CALLBACK_URLS) {
      errors.callbackUrl = `OSS tries at most ${MAX_CALLBACK_URLS} URLs.`;
      ok = false;
    }
    const bad = urls.find((u) => !/^https?:\/\/[^\s/]+/i.test(u.trim()) || !URL.canParse(u.trim()));
    if (ok && bad !== undefined) {
      errors.callbackUrl = `"${bad}" is not an http:// or https:// URL.`;
      ok = false;
    }
  }
  if (body.trim() === '') {
    errors.callbackBody = `A callback needs a body, e.g. bucket=\${bucket}&object=\${object}.`;
    ok = false;
  } else {
    const problem = callbackBodyProblem(body, CALLBACK_CONTENT_TYPES[draft.callbackType]);
    if (problem) {
      errors.callbackBody = problem;
      ok = false;
    }
  }
  return ok ? { url, body, type: draft.callbackType } : null;
}

/**
 * Checks every field and returns the messages to show next to them, plus the settings when there
 * are none. `fileSizes`: the files the settings will apply to (a part size must fit them in 10,000 parts).
 */
export function validateSettings(
  draft: SettingsDraft,
  fileSizes: readonly number[] = [],
): { settings?: UploadSettings; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const partSize = validatePartSize(draft, fileSizes, errors);
  const parallel = validateParallel(draft, errors);
  const storageClass = STORAGE_CLASSES.find((c) => c === draft.storageClass);
  if (!storageClass) errors.storageClass = `Choose one of ${STORAGE_CLASSES.join(', ')}.`;
  const metadata = validateMetadata(draft.metadata, errors);
  const tags = validateTags(draft.tags, errors);
  const callback = validateCallback(draft, errors);
  if (Object.keys(errors).length > 0 || partSize === undefined || parallel === undefined || !storageClass) {
    return { errors };
  }
  const settings: UploadSettings = {
    partSize,
    parallel,
    storageClass,
    forbidOverwrite: draft.forbidOverwrite,
    metadata,
    tags,
  };
  if (callback) settings.callback = callback;
  return { settings, errors };
}

/** x-oss-tagging: a URL query string of key=value pairs. */
export function encodeTagging(tags: readonly KeyValue[]): string {
  return tags.map((t) => `${encodeURIComponent(t.key)}=${encodeURIComponent(t.value)}`).join('&');
}

/** The engine options these settings stand for; the page adds key (and mime) per file. */
export function toUploadOptions(settings: UploadSettings): Omit<UploadOptions, 'key'> {
  const options: Omit<UploadOptions, 'key'> = {
    headers: { 'x-oss-storage-class': settings.storageClass },
  };
  if (settings.partSize !== 'auto') options.partSize = Math.round(settings.partSize * MiB);
  if (settings.parallel !== 'auto') options.parallel = settings.parallel;
  if (settings.forbidOverwrite) options.headers = { ...options.headers, 'x-oss-forbid-overwrite': 'true' };
  if (settings.tags.length > 0)
    options.headers = { ...options.headers, 'x-oss-tagging': encodeTagging(settings.tags) };
  if (settings.metadata.length > 0) {
    options.meta = Object.fromEntries(settings.metadata.map((m) => [m.key, m.value]));
  }
  if (settings.callback) {
    options.callback = {
      url: settings.callback.url,
      body: settings.callback.body,
      contentType: CALLBACK_CONTENT_TYPES[settings.callback.type],
    };
  }
  return options;
}

/** What "auto" means for a file of `size` bytes: the engine's own plan and parallelism. */
export function autoChoice(size: number): { plan: PartPlan; parallel: number } {
  return { plan: planParts(size), parallel: DEFAULT_PARALLEL };
}
