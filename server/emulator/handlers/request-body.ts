// Getting request bodies in: object data streamed to disk with the OSS size and digest checks, and small
// XML documents read into memory under a hard cap.

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type OssError, ossError } from '../errors.ts';
import type { ReceivedBody } from '../persistence/receive-body.ts';
import type { Store } from '../persistence/store.ts';

/** OSS's single-request limit for PutObject and UploadPart bodies. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/**
 * Streams an object or part body to a temp file. Rejects before reading what cannot succeed (no
 * length, too large) and discards the file when Content-MD5 disagrees with the bytes.
 */
export async function receiveObjectBody(store: Store, req: IncomingMessage): Promise<ReceivedBody> {
  const length = declaredLength(req);
  if (length === undefined && req.headers['transfer-encoding'] === undefined)
    throw ossError.missingContentLength();
  if (length !== undefined && length > MAX_OBJECT_BYTES) throw ossError.entityTooLarge();
  const expectedMd5 = req.headers['content-md5'];
  const body = await store.receive(req, MAX_OBJECT_BYTES);
  if (expectedMd5 !== undefined && String(expectedMd5).trim() !== body.md5Base64) {
    await store.discard(body);
    throw ossError.invalidDigest();
  }
  return body;
}

/** Reads a small (XML) body as UTF-8, failing with `tooLarge()` past `maxBytes`; checks Content-MD5 if sent. */
export async function readSmallBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: () => OssError,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const expectedMd5 = req.headers['content-md5'];
  if (
    expectedMd5 !== undefined &&
    String(expectedMd5).trim() !== createHash('md5').update(bytes).digest('base64')
  ) {
    throw ossError.invalidDigest();
  }
  return bytes.toString('utf8');
}
