// HMAC and SHA-256 through WebCrypto, available in pages, service workers and Node 20 alike.

import { toHex, utf8 } from './bytes.ts';

type Key = string | Uint8Array<ArrayBuffer>;

const asBytes = (data: Key) => (typeof data === 'string' ? utf8(data) : data);

async function hmac(hash: 'SHA-256' | 'SHA-1', key: Key, data: Key): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await globalThis.crypto.subtle.importKey(
    'raw',
    asBytes(key),
    { name: 'HMAC', hash },
    false,
    ['sign'],
  );
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', cryptoKey, asBytes(data)));
}

export const hmacSha256 = (key: Key, data: Key) => hmac('SHA-256', key, data);
export const hmacSha1 = (key: Key, data: Key) => hmac('SHA-1', key, data);

export async function sha256Hex(data: Key): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', asBytes(data))));
}
