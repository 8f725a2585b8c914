// Step one of authentication: work out which of the four OSS signing schemes a request uses and read
// its parameters, before anything is looked up. Anything unreadable is the client's error (400).
import { parseAuthorizationV1 } from '../../../lib/oss/sign-v1.ts';
import {
  ALGORITHM_V4,
  type CredentialScopeV4,
  parseAdditionalHeadersV4,
  parseAuthorizationV4,
  parseCredentialV4,
  parseIsoDateV4,
} from '../../../lib/oss/sign-v4.ts';
import { ossError } from '../errors.ts';
import { decodeQueryPairs } from '../http/query.ts';
import type { AuthRequest } from './auth-types.ts';
import { parseHttpDate } from './clock.ts';

/** OSS caps V4 presigned URLs at 7 days. */
const MAX_PRESIGN_V4_SECONDS = 7 * 24 * 3600;
const V1_QUERY_PARAMS = ['OSSAccessKeyId', 'Expires', 'Signature'] as const;
const TOKEN_QUERY_PARAMS = ['security-token', 'x-oss-security-token'] as const;

interface Common {
  accessKeyId: string;
  /** Decoded query pairs in the order received. */
  query: [string, string][];
  securityToken: string | undefined;
}

export type SignedRequest = Common &
  (
    | {
        scheme: 'v4-header' | 'v4-query';
        scope: CredentialScopeV4;
        additionalHeaders: string[];
        signature: string;
        isoDate: string;
        /** Header auth: the request time to check against the clock. */
        requestTime: number;
        /** Query auth: when the URL stops working (x-oss-date + x-oss-expires). */
        expiresAt: number | undefined;
      }
    | {
        scheme: 'v1-header';
        signature: string;
        requestTime: number;
      }
    | {
        scheme: 'v1-query';
        signature: string;
        /** The Expires parameter as sent; it is the Date line of the string to sign. */
        expires: string;
        expiresAt: number;
      }
  );

const invalid = (message: string, name?: string, value?: string) =>
  ossError.invalidArgument(message, name, value);

function headerValue(req: AuthRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** A query parameter that must appear at most once (a second copy would be ambiguous to sign). */
function single(query: [string, string][], name: string): string | undefined {
  const values = query.filter(([n]) => n === name);
  if (values.length > 1) throw invalid(`The query parameter ${name} appears more than once.`, name);
  return values[0]?.[1];
}

function required(query: [string, string][], name: string): string {
  const value = single(query, name);
  if (value === undefined || value === '') {
    throw invalid(`The presigned URL is missing the ${name} parameter.`, name, '');
  }
  return value;
}

/** Runs a lib/oss parser, turning its descriptive Error into InvalidArgument for the given argument. */
function parsed<T>(name: string, value: string, parse: (value: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    throw invalid((err as Error).message, name, value);
  }
}

function v4Scope(scope: CredentialScopeV4, isoDate: string, name: string, value: string): CredentialScopeV4 {
  if (scope.product !== 'oss') {
    throw invalid(
      `The credential scope names product "${scope.product}"; the emulator serves "oss".`,
      name,
      value,
    );
  }
  if (scope.date !== isoDate.slice(0, 8)) {
    throw invalid(
      `The credential scope date ${scope.date} does not match the request date ${isoDate}.`,
      name,
      value,
    );
  }
  return scope;
}

function securityToken(req: AuthRequest, query: [string, string][]): string | undefined {
  const fromHeader = headerValue(req, 'x-oss-security-token');
  const fromQuery = TOKEN_QUERY_PARAMS.flatMap((name) => query.filter(([n]) => n === name).map(([, v]) => v));
  const all = [...(fromHeader === undefined ? [] : [fromHeader]), ...fromQuery];
  if (all.length > 1) {
    throw ossError.invalidArgument(
      'The security token was given more than once: send it either in the x-oss-security-token header or in the URL, not both.',
      'security-token',
      '',
      '0002-00000010',
    );
  }
  return all[0];
}

/** Chooses the scheme (exactly one must be used) and hands the request to its reader. */
export function parseSignedRequest(req: AuthRequest): SignedRequest {
  const query = decodeQueryPairs(req.rawQuery);
  const authorization = headerValue(req, 'authorization');
  const hasV4Query = query.some(([n]) => n === 'x-oss-signature-version');
  const hasV1Query = query.some(([n]) => (V1_QUERY_PARAMS as readonly string[]).includes(n));
  const mechanisms = [authorization !== undefined, hasV4Query, hasV1Query].filter(Boolean).length;
  if (mechanisms > 1) {
    throw invalid(
      'Only one authentication mechanism is allowed: sign with the Authorization header or with URL parameters (presigned URL), not both.',
    );
  }
  if (mechanisms === 0) {
    throw ossError.accessDenied(
      'Anonymous access is not supported by the emulator (its buckets are private): sign the request with an Authorization header or use a presigned URL.',
    );
  }
  const common: Common = { accessKeyId: '', query, securityToken: securityToken(req, query) };
  if (authorization?.startsWith(`${ALGORITHM_V4} `)) return readV4Header(req, authorization, common);
  if (authorization?.startsWith('OSS ')) return readV1Header(req, authorization, common);
  if (authorization !== undefined) {
    throw invalid(
      'Unsupported Authorization header: expected "OSS4-HMAC-SHA256 Credential=…" or "OSS <AccessKeyId>:<Signature>".',
      'Authorization',
      authorization,
    );
  }
  return hasV4Query ? readV4Query(common) : readV1Query(common);
}

/** `Authorization: OSS4-HMAC-SHA256 Credential=…` with x-oss-date (OSS API reference, "Signature V4"). */
function readV4Header(req: AuthRequest, authorization: string, common: Common): SignedRequest {
  const auth = parsed('Authorization', authorization, parseAuthorizationV4);
  const rawDate = headerValue(req, 'x-oss-date');
  if (rawDate === undefined)
    throw invalid('V4 header authentication requires an x-oss-date header.', 'x-oss-date', '');
  return {
    ...common,
    scheme: 'v4-header',
    accessKeyId: auth.accessKeyId,
    scope: v4Scope(auth, rawDate, 'Authorization', authorization),
    additionalHeaders: auth.additionalHeaders,
    signature: auth.signature,
    isoDate: rawDate,
    requestTime: parsed('x-oss-date', rawDate, parseIsoDateV4).getTime(),
    expiresAt: undefined,
  };
}

/** `Authorization: OSS <AccessKeyId>:<Signature>` with Date or x-oss-date ("Add a signature to the header"). */
function readV1Header(req: AuthRequest, authorization: string, common: Common): SignedRequest {
  const auth = parsed('Authorization', authorization, parseAuthorizationV1);
  // Browsers cannot send Date, so ali-oss signs x-oss-date; OSS reads it first.
  const rawDate = headerValue(req, 'x-oss-date') ?? headerValue(req, 'date');
  if (rawDate === undefined) {
    throw invalid('V1 header authentication requires a Date or x-oss-date header.', 'Date', '');
  }
  const requestTime = parseHttpDate(rawDate);
  if (requestTime === undefined) {
    throw invalid(
      `"${rawDate}" is not an RFC 1123 date such as "Wed, 15 Jan 2025 08:30:00 GMT".`,
      'Date',
      rawDate,
    );
  }
  return { ...common, scheme: 'v1-header', ...auth, requestTime };
}

/** A V4 presigned URL: x-oss-signature-version, -credential, -date, -expires, -signature. */
function readV4Query(common: Common): SignedRequest {
  const { query } = common;
  const version = required(query, 'x-oss-signature-version');
  if (version !== ALGORITHM_V4) {
    throw invalid(`x-oss-signature-version must be ${ALGORITHM_V4}.`, 'x-oss-signature-version', version);
  }
  const credential = required(query, 'x-oss-credential');
  const isoDate = required(query, 'x-oss-date');
  const date = parsed('x-oss-date', isoDate, parseIsoDateV4).getTime();
  const rawExpires = required(query, 'x-oss-expires');
  const expires = Number(rawExpires);
  if (!/^\d+$/.test(rawExpires) || expires < 1 || expires > MAX_PRESIGN_V4_SECONDS) {
    throw ossError.invalidArgument(
      `x-oss-expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_V4_SECONDS}.`,
      'x-oss-expires',
      rawExpires,
      '0002-00000232',
    );
  }
  const signature = required(query, 'x-oss-signature');
  if (!/^[0-9a-f]{64}$/i.test(signature)) {
    throw invalid('x-oss-signature must be 64 hex digits.', 'x-oss-signature', signature);
  }
  const additional = single(query, 'x-oss-additional-headers');
  const scope = parsed('x-oss-credential', credential, parseCredentialV4);
  return {
    ...common,
    scheme: 'v4-query',
    accessKeyId: scope.accessKeyId,
    scope: v4Scope(scope, isoDate, 'x-oss-credential', credential),
    additionalHeaders:
      additional === undefined
        ? []
        : parsed('x-oss-additional-headers', additional, parseAdditionalHeadersV4),
    signature,
    isoDate,
    requestTime: date,
    expiresAt: date + expires * 1000,
  };
}

/** A V1 presigned URL. OSS answers one missing any of its three parameters with AccessDenied. */
function readV1Query(common: Common): SignedRequest {
  const [accessKeyId, expires, signature] = V1_QUERY_PARAMS.map((name) => single(common.query, name));
  const missing = V1_QUERY_PARAMS.filter((_, i) => [accessKeyId, expires, signature][i] === undefined);
  if (accessKeyId === undefined || expires === undefined || signature === undefined) {
    throw ossError.accessDenied(
      `A presigned URL needs OSSAccessKeyId, Expires and Signature; this one lacks ${missing.join(', ')}.`,
    );
  }
  if (!/^\d+$/.test(expires)) {
    throw ossError.invalidArgument(
      'Expires must be a Unix time in seconds.',
      'Expires',
      expires,
      '0002-00000070',
    );
  }
  return {
    ...common,
    scheme: 'v1-query',
    accessKeyId,
    signature,
    expires,
    expiresAt: Number(expires) * 1000,
  };
}
