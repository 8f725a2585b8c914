// Which headers go on which request. Object settings (storage class, metadata, tagging, cache
// headers) belong to Initiate only (OSS API reference: InitiateMultipartUpload); Complete carries what OSS honours there
// (forbid-overwrite, callback); a small file's PutObject carries all of it.

import { callbackHeaders } from '../../lib/oss-client/oss-client.ts';
import type { UploadOptions } from '../../lib/protocol/upload-options.ts';

type Headers = Record<string, string>;

export function objectSettingHeaders(options: UploadOptions, mime: string): Headers {
  const headers: Headers = { 'Content-Type': mime };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined && value !== '') headers[name] = value;
  }
  for (const [name, value] of Object.entries(options.meta ?? {}))
    headers[`x-oss-meta-${name.toLowerCase()}`] = value;
  return headers;
}

export function initiateHeaders(options: UploadOptions, mime: string): Headers {
  return objectSettingHeaders(options, mime);
}

export function completeHeaders(options: UploadOptions): Headers {
  const forbid = options.headers?.['x-oss-forbid-overwrite'];
  return { ...(forbid ? { 'x-oss-forbid-overwrite': forbid } : {}), ...callbackHeaders(options.callback) };
}

export function putObjectHeaders(options: UploadOptions, mime: string): Headers {
  return { ...objectSettingHeaders(options, mime), ...callbackHeaders(options.callback) };
}
