// Request bodies allocated and hashed before the clock starts, so the client only has to hand bytes to
// the socket and already knows which ETag and CRC64 the emulator must answer with.

import { randomFillSync } from 'node:crypto';
import { crc64, crc64ToHeader } from '../../lib/oss/crc64.ts';
import { md5Hex, quoteEtag } from '../../lib/oss/etag.ts';

export interface Payload {
  bytes: Uint8Array;
  /** Quoted uppercase MD5, the ETag of a part or simple object with these bytes. */
  etag: string;
  crc64: bigint;
  crc64Header: string;
}

/** Random bytes, so neither compression nor a lucky hash shortcut flatters the numbers. */
export async function randomPayload(size: number): Promise<Payload> {
  const bytes = randomFillSync(new Uint8Array(size));
  const crc = await crc64(bytes);
  return { bytes, etag: quoteEtag(await md5Hex(bytes)), crc64: crc, crc64Header: crc64ToHeader(crc) };
}

export function randomPayloads(count: number, size: number): Promise<Payload[]> {
  return Promise.all(Array.from({ length: count }, () => randomPayload(size)));
}
