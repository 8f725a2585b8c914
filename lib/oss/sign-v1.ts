// OSS Signature V1 (HMAC-SHA1, OSS documentation: "Include a V1 signature" (header and URL)): older clients and V1 presigned URLs.

import { toBase64, utf8 } from './bytes.ts';
import type { Credentials } from './credentials.ts';
import { byCodeUnit, normaliseHeaders, type SignableRequest } from './request.ts';
import { hmacSha1 } from './web-crypto.ts';

/**
 * Query parameters that are part of the V1 CanonicalizedResource (union of the doc list and the
 * official SDKs'); any other parameter (prefix, max-parts, list-type…) is not signed. Names are
 * case-sensitive.
 */
export const V1_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'append',
  'asyncFetch',
  'bucketInfo',
  'callback',
  'callback-var',
  'cloudboxes',
  'cname',
  'comp',
  'continuation-token',
  'cors',
  'delete',
  'encryption',
  'endTime',
  'img',
  'inventory',
  'inventoryId',
  'lifecycle',
  'live',
  'location',
  'logging',
  'metaQuery',
  'objectMeta',
  'partNumber',
  'policy',
  'position',
  'qos',
  'qosInfo',
  'referer',
  'regionList',
  'replication',
  'replicationLocation',
  'replicationProgress',
  'requestPayment',
  'resourceGroup',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'rtc',
  'security-token',
  'sequential',
  'startTime',
  'stat',
  'status',
  'style',
  'styleName',
  'symlink',
  'tagging',
  'transferAcceleration',
  'udf',
  'udfApplication',
  'udfApplicationLog',
  'udfId',
  'udfImage',
  'udfImageDesc',
  'udfName',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'vod',
  'website',
  'worm',
  'wormExtend',
  'wormId',
]);

/** The Go SDK v2 also signs every x-oss-* query parameter (x-oss-process, x-oss-traffic-limit…). */
export function isV1SubResource(name: string): boolean {
  return V1_SUB_RESOURCES.has(name) || name.startsWith('x-oss-');
}

export interface StringToSignV1Input extends SignableRequest {
  /**
   * The Date line: Expires (unix seconds) for presigned URLs. Defaults to the x-oss-date header, else
   * Date — browsers cannot send Date, so ali-oss puts its timestamp in x-oss-date and signs that.
   */
  dateOrExpires?: string;
}

export function stringToSignV1(input: StringToSignV1Input): string {
  const headers = normaliseHeaders(input.headers);
  const ossHeaders = [...headers.keys()]
    .filter((name) => name.startsWith('x-oss-'))
    .sort(byCodeUnit)
    .map((name) => `${name}:${headers.get(name)}\n`)
    .join('');
  const subResources = (input.query ?? [])
    .filter(([name]) => isV1SubResource(name))
    .sort(([a, av], [b, bv]) => byCodeUnit(a, b) || byCodeUnit(av, bv))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
    .join('&');
  const path = input.bucket === undefined ? `/${input.key}` : `/${input.bucket}/${input.key}`;
  return [
    input.method.toUpperCase(),
    headers.get('content-md5') ?? '',
    headers.get('content-type') ?? '',
    input.dateOrExpires ?? headers.get('x-oss-date') ?? headers.get('date') ?? '',
    // CanonicalizedOSSHeaders carry their own trailing newlines and run straight into the resource.
    `${ossHeaders}${path}${subResources === '' ? '' : `?${subResources}`}`,
  ].join('\n');
}

/** base64 HMAC-SHA1. */
export async function signatureV1(secret: string, stringToSign: string): Promise<string> {
  return toBase64(await hmacSha1(secret, stringToSign));
}

/** `50 55 54 0A …` — the <StringToSignBytes> form of a SignatureDoesNotMatch error. */
export function stringToSignBytesV1(stringToSign: string): string {
  return [...utf8(stringToSign)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/**
 * Headers to add for V1 header auth: x-oss-date (RFC 1123), x-oss-security-token (STS) and
 * authorization `OSS <AccessKeyId>:<signature>`.
 */
export async function signRequestV1(
  request: SignableRequest,
  credentials: Credentials,
  options: { now: Date },
): Promise<Record<string, string>> {
  const added: Record<string, string> = { 'x-oss-date': options.now.toUTCString() };
  if (credentials.securityToken) added['x-oss-security-token'] = credentials.securityToken;
  const headers = { ...Object.fromEntries(normaliseHeaders(request.headers)), ...added };
  const signature = await signatureV1(credentials.accessKeySecret, stringToSignV1({ ...request, headers }));
  added.authorization = `OSS ${credentials.accessKeyId}:${signature}`;
  return added;
}

/**
 * Query parameters to append for a V1 presigned URL: OSSAccessKeyId, Expires, Signature and, for STS,
 * security-token (itself a signed sub-resource). Values are raw; URL-encode them when building the URL.
 */
export async function presignV1(
  request: SignableRequest,
  credentials: Credentials,
  options: { now: Date; expiresSeconds: number },
): Promise<[name: string, value: string][]> {
  if (!Number.isInteger(options.expiresSeconds) || options.expiresSeconds < 0) {
    throw new RangeError(`expiresSeconds must be a non-negative integer, got ${options.expiresSeconds}`);
  }
  const expires = String(Math.floor(options.now.getTime() / 1000) + options.expiresSeconds);
  const token: [string, string][] = credentials.securityToken
    ? [['security-token', credentials.securityToken]]
    : [];
  const stringToSign = stringToSignV1({
    ...request,
    query: [...(request.query ?? []), ...token],
    dateOrExpires: expires,
  });
  return [
    ['OSSAccessKeyId', credentials.accessKeyId],
    ['Expires', expires],
    ['Signature', await signatureV1(credentials.accessKeySecret, stringToSign)],
    ...token,
  ];
}

/** Parses `OSS <AccessKeyId>:<signature>`; throws a descriptive Error. */
export function parseAuthorizationV1(header: string): { accessKeyId: string; signature: string } {
  const m = /^OSS ([^:\s]+):(\S+)$/.exec(header.trim());
  if (!m) throw new Error(`Authorization "${header}" is not of the form "OSS <AccessKeyId>:<Signature>"`);
  return { accessKeyId: m[1]!, signature: m[2]! };
}
