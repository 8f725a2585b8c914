// x-oss-request-id as real OSS forms it (OSS API reference: "Common HTTP headers"): 24 uppercase hex digits, the first 8 being the server's
// Unix time in seconds. Clients and logs correlate on it, and tests can read the server clock from it.

import { randomBytes } from 'node:crypto';

export function newRequestId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .toUpperCase()
    .padStart(8, '0');
  return seconds + randomBytes(8).toString('hex').toUpperCase();
}
