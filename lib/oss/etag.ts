// ETags as OSS forms them (OSS API reference: "Common HTTP headers", ETag): quoted uppercase hex MD5 for simple objects and parts, and for
// multipart objects the MD5 of the part ETags' *hex text* plus "-N" (not S3's binary-digest scheme).

import { createMD5, md5 } from 'hash-wasm';
import { toBase64, toHex } from './bytes.ts';

export interface Md5Hasher {
  update(bytes: Uint8Array): Md5Hasher;
  /** Raw 16-byte digest. Call once; the hasher cannot be reused afterwards. */
  digest(): Uint8Array;
}

/** Streaming MD5 for bodies that arrive in chunks; pair with md5DigestToHex / md5DigestToBase64. */
export async function createMd5(): Promise<Md5Hasher> {
  const hasher = await createMD5();
  hasher.init();
  const wrapper: Md5Hasher = {
    update(bytes) {
      hasher.update(bytes);
      return wrapper;
    },
    digest: () => hasher.digest('binary'),
  };
  return wrapper;
}

export function md5DigestToHex(digest: Uint8Array): string {
  return toHex(digest).toUpperCase();
}

/** Content-MD5 header form. */
export const md5DigestToBase64 = toBase64;

/** Uppercase hex MD5, the text inside an OSS ETag. Strings are hashed as UTF-8. */
export async function md5Hex(data: Uint8Array | string): Promise<string> {
  return (await md5(data)).toUpperCase();
}

/** base64 MD5, the Content-MD5 header value. */
export async function md5Base64(data: Uint8Array | string): Promise<string> {
  const hasher = await createMD5();
  hasher.init();
  hasher.update(data);
  return toBase64(hasher.digest('binary'));
}

export function quoteEtag(hex: string): string {
  return `"${hex}"`;
}

/** Strips surrounding `"` or `&quot;` (some XML producers escape the quotes); keeps the inner text as is. */
export function unquoteEtag(etag: string): string {
  let inner = etag.trim();
  for (const quote of ['&quot;', '"']) {
    if (inner.length >= 2 * quote.length && inner.startsWith(quote) && inner.endsWith(quote)) {
      inner = inner.slice(quote.length, -quote.length);
      break;
    }
  }
  return inner;
}

/** Quoted multipart ETag for the parts listed in Complete, in order (quoted or not, any case). */
export async function multipartEtag(partEtags: string[]): Promise<string> {
  if (partEtags.length === 0) throw new Error('multipartEtag needs at least one part ETag');
  const concatenated = partEtags.map((etag) => unquoteEtag(etag).toUpperCase()).join('');
  return quoteEtag(`${await md5Hex(concatenated)}-${partEtags.length}`);
}
