// Which bucket and key a request means (OSS documentation: "OSS domain names" (virtual-hosted and path-style access)). Three styles, tried in this order:
//
// 1. Virtual host: Host is `<bucket>.localhost` or `<bucket>.<configured host>` (any port). The whole
//    path is the key.
// 2. Path style: otherwise, when the first path segment names an existing bucket, it is the bucket
//    and the rest of the path is the key (ali-oss `sldEnable: true`).
// 3. Default bucket: otherwise the whole path is a key in the default bucket (ali-oss `cname: true` or
//    an IP endpoint, where the bucket appears nowhere in the URL). Without a default bucket the first
//    segment is taken as a bucket name anyway, so the client gets NoSuchBucket rather than a wrong key.
//
// Consequence of rule 2: in default-bucket mode a key whose first segment equals an existing bucket's
// name is read as path style. Pick bucket names that don't collide with top-level key prefixes.
//
// Keys are the percent-decoded path with `+` kept literal. Authentication always uses /bucket/key,
// whatever the style, because that is what OSS signs.

import { percentDecode } from '../../../lib/oss/uri-encode.ts';
import { hostName } from '../../net/addresses.ts';
import { ossError } from '../errors.ts';

export type AddressStyle = 'virtual-host' | 'path' | 'default-bucket' | 'service';

export interface Address {
  bucket: string | undefined;
  key: string;
  style: AddressStyle;
}

export interface AddressingOptions {
  /** Host names under which `<bucket>.<name>` is virtual-host addressing. */
  baseHosts: readonly string[];
  defaultBucket: string | undefined;
  bucketExists(name: string): boolean;
}

function decode(path: string): string {
  try {
    return percentDecode(path);
  } catch {
    throw ossError.invalidUri();
  }
}

export function resolveAddress(
  host: string | undefined,
  rawPath: string,
  options: AddressingOptions,
): Address {
  return addressCandidates(host, rawPath, options)[0]!;
}

/**
 * Every reading of a request's URL, most likely first. Only default-bucket addressing is ambiguous:
 * `/name/key` may also be path style naming a bucket that does not exist (a mistyped bucket), and `/`
 * may also be the bare endpoint (ListBuckets). OSS signs `/bucket/key`, so the signature tells which
 * one the client meant: the pipeline tries the others when the first one's signature does not match.
 */
export function addressCandidates(
  host: string | undefined,
  rawPath: string,
  options: AddressingOptions,
): Address[] {
  const name = hostName(host);
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  for (const base of options.baseHosts) {
    if (name.length > base.length + 1 && name.endsWith(`.${base}`)) {
      return [{ bucket: name.slice(0, -(base.length + 1)), key: decode(path), style: 'virtual-host' }];
    }
  }
  const slash = path.indexOf('/');
  const first = decode(slash < 0 ? path : path.slice(0, slash));
  const rest = slash < 0 ? '' : path.slice(slash + 1);
  const pathStyle: Address = { bucket: first, key: decode(rest), style: 'path' };
  const service: Address = { bucket: undefined, key: '', style: 'service' };
  if (first !== '' && options.bucketExists(first)) return [pathStyle];
  const other = path === '' ? [service] : first === '' ? [] : [pathStyle];
  if (options.defaultBucket !== undefined) {
    return [{ bucket: options.defaultBucket, key: decode(path), style: 'default-bucket' }, ...other];
  }
  return other.length > 0 ? other : [service];
}
