// OSS Signature V4 (OSS4-HMAC-SHA256, OSS documentation: "Signature Version 4 (recommended)"). The browser client signs with it and the
// emulator verifies with it, so both sides share every byte of the canonical form below.

import { toHex } from './bytes.ts';
import type { Credentials } from './credentials.ts';
import {
  byCodeUnit,
  type HeaderRecord,
  normaliseHeaders,
  type QueryPairs,
  type SignableRequest,
} from './request.ts';
import { uriEncode } from './uri-encode.ts';
import { hmacSha256, sha256Hex } from './web-crypto.ts';

export const ALGORITHM_V4 = 'OSS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SCOPE_TERMINATOR = 'aliyun_v4_request';
const DEFAULT_PRODUCT = 'oss';

export interface CanonicalRequestV4Input extends SignableRequest {
  /** Extra headers to sign (AdditionalHeaders); lowercased, de-duplicated and sorted here. */
  additionalHeaders?: readonly string[];
}

/** content-type, content-md5 and x-oss-* are always signed; anything else only when listed. */
export function isDefaultSignedHeaderV4(lowerName: string): boolean {
  return lowerName === 'content-type' || lowerName === 'content-md5' || lowerName.startsWith('x-oss-');
}

function normaliseAdditionalList(names: readonly string[] = []): string[] {
  return [...new Set(names.map((n) => n.toLowerCase()))].sort(byCodeUnit);
}

/**
 * What a signer should put in AdditionalHeaders: the listed headers that the request actually carries
 * and that are not signed anyway (the Go SDK's rule; ali-oss would throw on an absent one instead).
 */
export function effectiveAdditionalHeadersV4(
  names: readonly string[] | undefined,
  headers: HeaderRecord = {},
): string[] {
  const present = normaliseHeaders(headers);
  return normaliseAdditionalList(names).filter(
    (n) => !isDefaultSignedHeaderV4(n) && (present.get(n) ?? '') !== '',
  );
}

/** Canonical query: decode-then-RFC3986-encode each pair, sort by encoded name, `name` alone when the value is empty. */
function canonicalQueryV4(query: QueryPairs = []): string {
  return query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => byCodeUnit(a, b) || byCodeUnit(av, bv))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
    .join('&');
}

export function canonicalRequestV4(input: CanonicalRequestV4Input): string {
  const { method, bucket, key, query, additionalHeaders } = input;
  const headers = normaliseHeaders(input.headers);
  const additional = normaliseAdditionalList(additionalHeaders);
  const additionalSet = new Set(additional);
  const signed = [...headers.keys()]
    .filter((name) => isDefaultSignedHeaderV4(name) || additionalSet.has(name))
    .sort(byCodeUnit);
  return [
    method.toUpperCase(),
    uriEncode(`/${bucket === undefined ? '' : `${bucket}/`}${key}`, true),
    canonicalQueryV4(query),
    // Each header line ends in '\n' and the join adds another: the blank line in the spec's vectors.
    signed.map((name) => `${name}:${headers.get(name)}\n`).join(''),
    additional.join(';'),
    headers.get('x-oss-content-sha256') || UNSIGNED_PAYLOAD,
  ].join('\n');
}

/** `yyyymmddTHHMMSSZ` in UTC, the x-oss-date form. */
export function isoDateV4(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses an x-oss-date value; throws on anything but `yyyymmddTHHMMSSZ`. */
export function parseIsoDateV4(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`Invalid V4 date "${value}", expected yyyymmddTHHMMSSZ`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (isoDateV4(date) !== value) throw new Error(`Invalid V4 date "${value}"`);
  return date;
}

/** Region as it appears in the scope: `oss-cn-hangzhou` and `cn-hangzhou` both give `cn-hangzhou`. */
export function signingRegionV4(region: string): string {
  return region.replace(/^oss-/, '');
}

export function scopeV4(yyyymmdd: string, region: string, product = DEFAULT_PRODUCT): string {
  return `${yyyymmdd}/${region}/${product}/${SCOPE_TERMINATOR}`;
}

export async function stringToSignV4(
  canonicalRequest: string,
  isoDate: string,
  scope: string,
): Promise<string> {
  return [ALGORITHM_V4, isoDate, scope, await sha256Hex(canonicalRequest)].join('\n');
}

/**
 * Signing keys by scope. A key depends only on (secret, date, region, product), yet costs four HMACs:
 * one process signs (browser) or verifies (emulator) many requests per scope, so each is derived once.
 * Bounded, least recently used out, for long-lived processes that see many STS secrets over time.
 */
const signingKeys = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
const MAX_SIGNING_KEYS = 32;

function cachedSigningKeyV4(
  secret: string,
  yyyymmdd: string,
  region: string,
  product: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const scope = JSON.stringify([secret, yyyymmdd, region, product]);
  let key = signingKeys.get(scope);
  if (key) {
    signingKeys.delete(scope); // re-inserted below as the most recently used
  } else {
    key = deriveSigningKeyV4(secret, yyyymmdd, region, product);
    const derived = key;
    derived.catch(() => {
      if (signingKeys.get(scope) === derived) signingKeys.delete(scope); // a failure is not remembered
    });
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
  }
  signingKeys.set(scope, key);
  return key;
}

async function deriveSigningKeyV4(
  secret: string,
  yyyymmdd: string,
  region: string,
  product: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const dateKey = await hmacSha256(`aliyun_v4${secret}`, yyyymmdd);
  const regionKey = await hmacSha256(dateKey, region);
  const productKey = await hmacSha256(regionKey, product);
  return hmacSha256(productKey, SCOPE_TERMINATOR);
}

export async function signingKeyV4(
  secret: string,
  yyyymmdd: string,
  region: string,
  product = DEFAULT_PRODUCT,
): Promise<Uint8Array<ArrayBuffer>> {
  return (await cachedSigningKeyV4(secret, yyyymmdd, region, product)).slice(); // the cached one stays intact
}

/** Lowercase hex signature of a string-to-sign. */
export async function signatureV4(
  secret: string,
  yyyymmdd: string,
  region: string,
  stringToSign: string,
  product = DEFAULT_PRODUCT,
): Promise<string> {
  const key = await cachedSigningKeyV4(secret, yyyymmdd, region, product);
  return toHex(await hmacSha256(key, stringToSign));
}

export interface SignatureV4Context {
  /** x-oss-date value (`yyyymmddTHHMMSSZ`); its first 8 characters are the scope date. */
  isoDate: string;
  /** Scope region, already without the `oss-` prefix. */
  region: string;
  product?: string;
  additionalHeaders?: readonly string[];
}

export interface SignatureV4Result {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/**
 * The whole V4 computation for one request. Signers call it with the headers they are about to send;
 * a verifier calls it with what it received and the scope/additional headers the client declared, and
 * compares `signature` (the other two fields are for SignatureDoesNotMatch diagnostics).
 */
export async function computeSignatureV4(
  request: SignableRequest,
  secret: string,
  context: SignatureV4Context,
): Promise<SignatureV4Result> {
  const product = context.product ?? DEFAULT_PRODUCT;
  const yyyymmdd = context.isoDate.slice(0, 8);
  const canonicalRequest = canonicalRequestV4({ ...request, additionalHeaders: context.additionalHeaders });
  const stringToSign = await stringToSignV4(
    canonicalRequest,
    context.isoDate,
    scopeV4(yyyymmdd, context.region, product),
  );
  const signature = await signatureV4(secret, yyyymmdd, context.region, stringToSign, product);
  return { canonicalRequest, stringToSign, signature };
}

export interface SignV4Options {
  /** `oss-cn-hangzhou` or `cn-hangzhou`; CloudBox passes its box id (e.g. `cb-123`). */
  region: string;
  now: Date;
  /** `oss` (default) or `oss-cloudbox`. */
  product?: string;
  additionalHeaders?: readonly string[];
}

/**
 * Headers to add to a request for V4 header auth: x-oss-date, x-oss-content-sha256,
 * x-oss-security-token (STS) and authorization. Headers of the same name in `request.headers`
 * are superseded by these.
 */
export async function signRequestV4(
  request: SignableRequest,
  credentials: Credentials,
  options: SignV4Options,
): Promise<Record<string, string>> {
  const isoDate = isoDateV4(options.now);
  const region = signingRegionV4(options.region);
  const product = options.product ?? DEFAULT_PRODUCT;
  const added: Record<string, string> = {
    'x-oss-date': isoDate,
    'x-oss-content-sha256': UNSIGNED_PAYLOAD,
  };
  if (credentials.securityToken) added['x-oss-security-token'] = credentials.securityToken;

  const headers: Record<string, string> = {
    ...Object.fromEntries(normaliseHeaders(request.headers)),
    ...added,
  };
  const additionalHeaders = effectiveAdditionalHeadersV4(options.additionalHeaders, headers);
  const { signature } = await computeSignatureV4({ ...request, headers }, credentials.accessKeySecret, {
    isoDate,
    region,
    product,
    additionalHeaders,
  });
  const credential = `${credentials.accessKeyId}/${scopeV4(isoDate.slice(0, 8), region, product)}`;
  const additionalPart =
    additionalHeaders.length > 0 ? `,AdditionalHeaders=${additionalHeaders.join(';')}` : '';
  added.authorization = `${ALGORITHM_V4} Credential=${credential}${additionalPart},Signature=${signature}`;
  return added;
}

export interface PresignV4Options extends SignV4Options {
  expiresSeconds: number;
}

/**
 * Query parameters to append (after the request's own query) for a V4 presigned URL, in the order
 * x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires, [x-oss-security-token],
 * [x-oss-additional-headers], x-oss-signature. The request's headers are those the eventual
 * requester will send (content-type etc. get signed).
 */
export async function presignV4(
  request: SignableRequest,
  credentials: Credentials,
  options: PresignV4Options,
): Promise<[name: string, value: string][]> {
  if (!Number.isInteger(options.expiresSeconds) || options.expiresSeconds <= 0) {
    throw new RangeError(`expiresSeconds must be a positive integer, got ${options.expiresSeconds}`);
  }
  const isoDate = isoDateV4(options.now);
  const region = signingRegionV4(options.region);
  const product = options.product ?? DEFAULT_PRODUCT;
  const additionalHeaders = effectiveAdditionalHeadersV4(options.additionalHeaders, request.headers);
  const params: [string, string][] = [
    ['x-oss-signature-version', ALGORITHM_V4],
    ['x-oss-credential', `${credentials.accessKeyId}/${scopeV4(isoDate.slice(0, 8), region, product)}`],
    ['x-oss-date', isoDate],
    ['x-oss-expires', String(options.expiresSeconds)],
  ];
  if (credentials.securityToken) params.push(['x-oss-security-token', credentials.securityToken]);
  if (additionalHeaders.length > 0) params.push(['x-oss-additional-headers', additionalHeaders.join(';')]);
  const { signature } = await computeSignatureV4(
    { ...request, query: [...(request.query ?? []), ...params] },
    credentials.accessKeySecret,
    { isoDate, region, product, additionalHeaders },
  );
  params.push(['x-oss-signature', signature]);
  return params;
}

export interface CredentialScopeV4 {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  product: string;
}

/** Parses `<AK>/<yyyymmdd>/<region>/<product>/aliyun_v4_request` (Authorization Credential= or x-oss-credential). */
export function parseCredentialV4(credential: string): CredentialScopeV4 {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw new Error(
      `Invalid V4 credential "${credential}": expected <AccessKeyId>/<date>/<region>/<product>/${SCOPE_TERMINATOR}`,
    );
  }
  const [accessKeyId, date, region, product, terminator] = parts as [string, string, string, string, string];
  if (accessKeyId === '') throw new Error(`Invalid V4 credential "${credential}": empty AccessKeyId`);
  if (!/^\d{8}$/.test(date)) throw new Error(`Invalid V4 credential "${credential}": date must be yyyymmdd`);
  if (region === '') throw new Error(`Invalid V4 credential "${credential}": empty region`);
  if (product === '') throw new Error(`Invalid V4 credential "${credential}": empty product`);
  if (terminator !== SCOPE_TERMINATOR) {
    throw new Error(`Invalid V4 credential "${credential}": must end with /${SCOPE_TERMINATOR}`);
  }
  return { accessKeyId, date, region, product };
}

/** Parses `h1;h2` (AdditionalHeaders= or x-oss-additional-headers); empty entries are an error (EC 0002-00000210). */
export function parseAdditionalHeadersV4(value: string): string[] {
  const names = value.split(';').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new Error(`Invalid AdditionalHeaders "${value}": empty header name`);
  return names.map((n) => n.toLowerCase());
}

export interface AuthorizationV4 extends CredentialScopeV4 {
  additionalHeaders: string[];
  signature: string;
}

/** Parses an `OSS4-HMAC-SHA256 Credential=…[,AdditionalHeaders=…],Signature=…` header; throws a descriptive Error. */
export function parseAuthorizationV4(header: string): AuthorizationV4 {
  const prefix = `${ALGORITHM_V4} `;
  if (!header.startsWith(prefix)) throw new Error(`Authorization does not start with "${prefix}"`);
  const fields = new Map<string, string>();
  for (const part of header.slice(prefix.length).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`Malformed Authorization field "${item}" (expected Name=value)`);
    const name = item.slice(0, eq);
    if (fields.has(name)) throw new Error(`Authorization field ${name} appears twice`);
    fields.set(name, item.slice(eq + 1));
  }
  for (const name of fields.keys()) {
    if (name !== 'Credential' && name !== 'AdditionalHeaders' && name !== 'Signature') {
      throw new Error(`Unknown Authorization field "${name}"`);
    }
  }
  const credential = fields.get('Credential');
  if (credential === undefined) throw new Error('Authorization is missing Credential=');
  const signature = fields.get('Signature');
  if (signature === undefined) throw new Error('Authorization is missing Signature=');
  if (!/^[0-9a-f]{64}$/i.test(signature)) throw new Error(`Signature "${signature}" is not 64 hex digits`);
  const additional = fields.get('AdditionalHeaders');
  return {
    ...parseCredentialV4(credential),
    additionalHeaders: additional === undefined ? [] : parseAdditionalHeadersV4(additional),
    signature,
  };
}
