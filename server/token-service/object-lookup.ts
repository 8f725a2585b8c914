// How the token service answers POST /api/object-status: it assumes the role with a session policy that
// allows reading only the asked-for key, sends one HeadObject signed by the project's OSS client, and
// returns the size and checksums. The upload tokens themselves stay write-only.
import type { ObjectStatus } from '../../lib/credentials/object-status.ts';
import { OssNetworkError, OssRequestError } from '../../lib/oss-client/errors.ts';
import { createOssClient } from '../../lib/oss-client/oss-client.ts';
import { buildObjectReadPolicy } from './session-policy.ts';
import type { StsClient } from './sts-client.ts';

/** STS's shortest token lifetime; the token is used once, at once, and dropped. */
const LOOKUP_TOKEN_SECONDS = 900;

/** OSS would not tell, or could not be reached; the message says what to fix. */
export class ObjectStatusFailure extends Error {
  override name = 'ObjectStatusFailure';
  constructor(
    readonly code: 'ObjectStatusRefused' | 'OssUnreachable' | 'Crc64Missing',
    message: string,
  ) {
    super(message);
  }
}

export interface ObjectLookupOptions {
  sts: StsClient;
  roleArn: string;
  oss: { bucket: string; region: string; endpoint: string };
}

export type ObjectLookup = (key: string, sessionName: string) => Promise<ObjectStatus>;

export function createObjectLookup({ sts, roleArn, oss }: ObjectLookupOptions): ObjectLookup {
  return async (key, sessionName) => {
    const assumed = await sts.assumeRole({
      roleArn,
      policy: buildObjectReadPolicy(oss.bucket, key),
      durationSeconds: LOOKUP_TOKEN_SECONDS,
      sessionName,
    });
    const credentials = { ...assumed, ...oss, prefix: key };
    const client = createOssClient({
      credentials: { get: async () => credentials, invalidate: () => undefined },
    });
    let head: Awaited<ReturnType<typeof client.headObject>>;
    try {
      head = await client.headObject(key);
    } catch (error) {
      if (error instanceof OssRequestError) {
        throw new ObjectStatusFailure(
          'ObjectStatusRefused',
          `OSS refused to show the token service the object "${key}" (HTTP ${error.status} ${error.code}). ` +
            `The RAM role needs oss:GetObject on ${oss.bucket}/<prefix>* (docs/real-oss.md).`,
        );
      }
      if (error instanceof OssNetworkError) {
        throw new ObjectStatusFailure(
          'OssUnreachable',
          `The token service could not reach OSS: ${error.message}`,
        );
      }
      throw error;
    }
    if (!head) return { exists: false };
    if (head.crc64 === undefined) {
      throw new ObjectStatusFailure(
        'Crc64Missing',
        `OSS did not report a CRC64 for "${key}", so the token service cannot vouch for its content.`,
      );
    }
    return { exists: true, size: head.size, etag: head.etag, crc64: head.crc64 };
  };
}
