// Where an OSS request goes. The signature never depends on the URL style (it always covers
// /bucket/key), so the style is picked for what the network can resolve.

import { uriEncode } from '../oss/uri-encode.ts';

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * Virtual-hosted `${protocol}//${bucket}.${host}/${key}` as OSS and ali-oss use (Chromium resolves
 * `*.localhost`, so this works against the emulator too); path style `/${bucket}/${key}` for IP
 * endpoints, where a bucket sub-domain cannot exist.
 */
export function objectUrl(
  endpoint: string,
  bucket: string,
  key: string,
  query: readonly (readonly [string, string])[] = [],
): string {
  const base = new URL(endpoint);
  const path = uriEncode(key, true);
  const url = IP_HOST.test(base.hostname)
    ? `${base.protocol}//${base.host}/${bucket}/${path}`
    : `${base.protocol}//${bucket}.${base.host}/${path}`;
  if (query.length === 0) return url;
  // A valueless sub-resource is written `uploads=`, as ali-oss does; the signer signs it as `uploads`.
  return `${url}?${query.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&')}`;
}
