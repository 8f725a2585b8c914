// CRC64 (and MD5 for reconciling) of a Blob, streamed so no part is ever held in memory whole.
// Runs beside the part's fetch: both read the same slice from disk, off the send path.

import { createCrc64 } from '../../lib/oss/crc64.ts';
import { createMd5, md5DigestToHex } from '../../lib/oss/etag.ts';

async function feed(blob: Blob, update: (bytes: Uint8Array) => void): Promise<void> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      update(value);
    }
  } catch (error) {
    // Chromium fails a stream over a file changed on disk with a bare "TypeError: network error";
    // a one-byte read of the same Blob names the cause (NotReadableError), so callers can tell a
    // changed file ("select it again") from a transient fault.
    await blob.slice(0, 1).arrayBuffer();
    throw error;
  }
}

export async function crc64OfBlob(blob: Blob): Promise<bigint> {
  const hasher = await createCrc64();
  await feed(blob, (bytes) => hasher.update(bytes));
  return hasher.digest();
}

/** Uppercase hex MD5: a part's ETag without quotes. */
export async function md5HexOfBlob(blob: Blob): Promise<string> {
  const hasher = await createMd5();
  await feed(blob, (bytes) => hasher.update(bytes));
  return md5DigestToHex(hasher.digest());
}
