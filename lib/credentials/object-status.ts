// The contract of POST /api/object-status, shared by the token service and the worker that calls it.
//
// Upload tokens are write-only: the session policy grants no oss:GetObject, so a leaked token can add
// objects under the prefix but never read one. When an answer from OSS is lost after OSS applied the
// request (CompleteMultipartUpload, or a PutObject refused on retry because the first one created the
// object), the worker still has to learn whether the stored object is its own. It asks the token
// service, which looks with a token of its own limited to reading that one key, and answers with the
// object's size and checksums only — never its bytes.
import { CredentialsError, callTokenService, type TokenServiceCallOptions } from './token-service-call.ts';

export const OBJECT_STATUS_PATH = '/api/object-status';

export interface ObjectStatusRequest {
  key: string;
}

export type ObjectStatus =
  | { exists: false }
  /** `etag` as OSS sends it (quoted); `crc64` is x-oss-hash-crc64ecma (decimal). */
  | { exists: true; size: number; etag: string; crc64: string };

export function isObjectStatus(value: unknown): value is ObjectStatus {
  const record = value as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null) return false;
  if (record.exists === false) return true;
  return (
    record.exists === true &&
    typeof record.size === 'number' &&
    Number.isSafeInteger(record.size) &&
    typeof record.etag === 'string' &&
    typeof record.crc64 === 'string' &&
    /^\d+$/.test(record.crc64)
  );
}

export interface ObjectStatusClientOptions extends TokenServiceCallOptions {
  /** Default `/api/object-status`, resolved against the page or worker location. */
  url?: string;
}

export type ObjectStatusLookup = (key: string) => Promise<ObjectStatus>;

export function createObjectStatusClient(options: ObjectStatusClientOptions = {}): ObjectStatusLookup {
  const url = options.url ?? OBJECT_STATUS_PATH;
  return async (key) => {
    const request: ObjectStatusRequest = { key };
    const { status, body } = await callTokenService(url, options, 'could not check the object', request);
    if (!isObjectStatus(body)) {
      throw new CredentialsError(
        `The token service at ${url} answered HTTP ${status} without an object status`,
        status,
        'InvalidResponse',
      );
    }
    return body;
  };
}
