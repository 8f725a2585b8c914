// Test support: presigned URLs (V1 or V4) for raw requests, signed with the shared lib/oss signer and
// by default the emulator's public root key — exactly what anyone who read the README can build.

import type { Credentials } from '../../lib/oss/credentials.ts';
import type { HeaderRecord, QueryPairs } from '../../lib/oss/request.ts';
import { presignV1 } from '../../lib/oss/sign-v1.ts';
import { presignV4 } from '../../lib/oss/sign-v4.ts';
import { uriEncode } from '../../lib/oss/uri-encode.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';

export const ROOT_CREDENTIALS: Credentials = {
  accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
  accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
};

export interface PresignedPathInput {
  method: string;
  bucket: string;
  /** Decoded key; '' for bucket-level requests. */
  key: string;
  query?: QueryPairs;
  /** Headers the eventual request carries that the signature covers (e.g. Content-Type). */
  headers?: HeaderRecord;
  scheme?: 'v1' | 'v4';
  credentials?: Credentials;
  expiresSeconds?: number;
}

/**
 * Path and query of a presigned URL addressed path-style (`/<bucket>/<key>?…`), ready for
 * `send(baseUrl, method, path)` or to prefix with the emulator's origin.
 */
export async function presignedPath(input: PresignedPathInput): Promise<string> {
  const credentials = input.credentials ?? ROOT_CREDENTIALS;
  const request = {
    method: input.method,
    bucket: input.bucket,
    key: input.key,
    query: input.query ?? [],
    headers: input.headers ?? {},
  };
  const now = new Date();
  const expiresSeconds = input.expiresSeconds ?? 600;
  const signed =
    input.scheme === 'v1'
      ? await presignV1(request, credentials, { now, expiresSeconds })
      : await presignV4(request, credentials, { region: EMULATOR_DEFAULTS.region, now, expiresSeconds });
  const query = [...request.query, ...signed]
    .map(([name, value]) => (value === '' ? uriEncode(name) : `${uriEncode(name)}=${uriEncode(value)}`))
    .join('&');
  const path = [input.bucket, ...input.key.split('/')].map((segment) => uriEncode(segment)).join('/');
  return `/${input.key === '' ? `${input.bucket}/` : path}?${query}`;
}
