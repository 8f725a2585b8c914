// How a part's bytes reach OSS: UploadPart with the Blob slice, or — when Background Fetch already
// delivered them as a temporary object — UploadPartCopy from that object (no bytes sent again). The
// caller verifies either answer's CRC64 against the slice (upload-runner.ts sendVerified).

import { OssRequestError } from '../../lib/oss-client/errors.ts';
import type { OssClient, UploadedPart } from '../../lib/oss-client/oss-client.ts';
import type { PartRecord } from '../store/schema.ts';

export interface PartBody {
  key: string;
  uploadId: string;
  part: Pick<PartRecord, 'partNumber' | 'temporaryKey'>;
  slice: Blob;
  signal?: AbortSignal;
}

export async function sendPartBody(
  client: Pick<OssClient, 'uploadPart' | 'uploadPartCopy'>,
  { key, uploadId, part, slice, signal }: PartBody,
): Promise<UploadedPart> {
  if (part.temporaryKey) {
    try {
      return await client.uploadPartCopy(key, uploadId, part.partNumber, part.temporaryKey, signal);
    } catch (error) {
      // The temporary is gone (deleted by the lifecycle rule after a long pause): send the bytes.
      if (!(error instanceof OssRequestError && error.code === 'NoSuchKey')) throw error;
    }
  }
  return client.uploadPart(key, uploadId, part.partNumber, slice, signal);
}
