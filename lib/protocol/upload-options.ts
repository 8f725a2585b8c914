// What the page asks for when it queues a file. The fields mirror ali-oss `multipartUpload`
// options, so anyone who knows that API knows these.

import type { CallbackBodyType } from '../oss/callback-body.ts';
import { objectNameProblem } from '../oss/object-name.ts';

/** Object headers the engine passes on; everything else is refused at enqueue (a typo must not vanish). */
export const UPLOAD_HEADER_NAMES = [
  'Cache-Control',
  'Content-Disposition',
  'Expires',
  'x-oss-storage-class',
  'x-oss-tagging',
  'x-oss-forbid-overwrite',
] as const;
export type UploadHeaderName = (typeof UPLOAD_HEADER_NAMES)[number];

/** OSS upload callback (OSS API reference: "Callback"), in ali-oss's shape. */
export interface UploadCallback {
  url: string;
  host?: string;
  body: string;
  contentType?: CallbackBodyType;
  /** Sent as x-oss-callback-var, each key prefixed with `x:`. */
  customValue?: Record<string, string>;
}

export interface UploadOptions {
  /** Full object key (prefix + name). */
  key: string;
  /** Bytes per part; chosen from the file size when absent (see lib/upload-plan/part-plan.ts). */
  partSize?: number;
  /** Parts in flight at once; default 6. */
  parallel?: number;
  headers?: Partial<Record<UploadHeaderName, string>>;
  /** User metadata; each entry becomes `x-oss-meta-<name>`. */
  meta?: Record<string, string>;
  /** Content-Type of the object; the file's own type, else application/octet-stream. */
  mime?: string;
  callback?: UploadCallback;
}

/** Problems with options a person can fix, in words; empty when they are fine. */
export function validateUploadOptions(options: UploadOptions): string[] {
  const problems: string[] = [];
  const keyProblem =
    typeof options.key === 'string' ? objectNameProblem(options.key) : 'The object key is empty.';
  if (keyProblem) problems.push(keyProblem);
  for (const name of Object.keys(options.headers ?? {})) {
    if (!(UPLOAD_HEADER_NAMES as readonly string[]).includes(name)) {
      problems.push(
        `Header "${name}" is not one Skylift sets; use one of ${UPLOAD_HEADER_NAMES.join(', ')}.`,
      );
    }
  }
  for (const name of Object.keys(options.meta ?? {})) {
    if (!/^[A-Za-z0-9-]+$/.test(name))
      problems.push(`Metadata name "${name}" may use only letters, digits and -.`);
  }
  if (options.parallel !== undefined && !(Number.isInteger(options.parallel) && options.parallel >= 1)) {
    problems.push('parallel must be a whole number of at least 1.');
  }
  if (options.callback && (!options.callback.url || !options.callback.body)) {
    problems.push('A callback needs both a url and a body.');
  }
  return problems;
}
