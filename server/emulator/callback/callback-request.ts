// Reads and validates the upload callback a PutObject / CompleteMultipartUpload asks for (OSS API reference: "Callback"). Runs
// before the body is taken, because OSS refuses a request with a bad callback without storing anything.

import type { IncomingHttpHeaders } from 'node:http';
import {
  CALLBACK_BODY_TYPES,
  type CallbackBodyType,
  findMalformedVariable,
} from '../../../lib/oss/callback-body.ts';
import { isHostHeaderValue } from '../../net/addresses.ts';
import { type CallbackArgument, ossError } from '../errors.ts';
import type { Query } from '../http/query.ts';

export interface CallbackRequest {
  /** Tried in order until one answers 200. */
  urls: URL[];
  /** Host header of the callback; undefined means the host of the URL being tried. */
  host?: string;
  /** Template with `${...}` variables. */
  body: string;
  bodyType: CallbackBodyType;
  /** `x:name` → value, from callback-var. */
  vars: Map<string, string>;
  /** The callback parameter as sent, for ArgumentValue in errors about it. */
  raw: string;
}

/** OSS's limit on the decoded callback and callback-var JSON (OSS API reference: "Callback"). */
const MAX_CONFIG_BYTES = 5 * 1024;
const MAX_URLS = 5;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** base64 → JSON object, failing as OSS does on each step. */
function decodeJsonObject(argument: CallbackArgument, raw: string): Record<string, unknown> {
  const text = raw.trim();
  if (!STRICT_BASE64.test(text)) throw ossError.callbackNotBase64(argument, raw);
  const json = Buffer.from(text, 'base64');
  if (json.length > MAX_CONFIG_BYTES) throw ossError.callbackTooLong(argument, raw, MAX_CONFIG_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch {
    throw ossError.callbackNotJson(argument, raw);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw ossError.callbackNotJson(argument, raw);
  }
  return value as Record<string, unknown>;
}

/** `http(s)://host[:port]/path`; a URL without a scheme is http, as in OSS's own examples. */
function parseCallbackUrl(text: string, raw: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw ossError.callbackUrlInvalid(text, raw);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.port === '0') {
    throw ossError.callbackUrlInvalid(text, raw);
  }
  return url;
}

function parseVars(raw: string | undefined): Map<string, string> {
  const vars = new Map<string, string>();
  if (raw === undefined || raw.trim() === '') return vars;
  for (const [key, value] of Object.entries(decodeJsonObject('callback-var', raw))) {
    if (!key.startsWith('x:') || key.length === 2 || key !== key.toLowerCase() || typeof value !== 'string') {
      throw ossError.callbackVarInvalid(key, raw);
    }
    vars.set(key, value);
  }
  return vars;
}

function optionalString(config: Record<string, unknown>, field: string, raw: string): string | undefined {
  const value = config[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw ossError.callbackFieldInvalid(field, raw);
  return value;
}

/**
 * The callback of a request, or undefined when it asks for none. Throws 400 InvalidArgument when the
 * callback is given both as header and as query, or its configuration is invalid.
 */
export function readCallbackRequest(headers: IncomingHttpHeaders, query: Query): CallbackRequest | undefined {
  const fromHeader = {
    callback: headerValue(headers, 'x-oss-callback'),
    vars: headerValue(headers, 'x-oss-callback-var'),
  };
  const fromQuery = { callback: query.get('callback'), vars: query.get('callback-var') };
  const headerUsed = fromHeader.callback !== undefined || fromHeader.vars !== undefined;
  const queryUsed = fromQuery.callback !== undefined || fromQuery.vars !== undefined;
  if (headerUsed && queryUsed) {
    const argument: CallbackArgument =
      fromHeader.callback !== undefined || fromQuery.callback !== undefined ? 'callback' : 'callback-var';
    throw ossError.callbackInTwoPlaces(argument, fromQuery.callback ?? fromQuery.vars ?? '');
  }
  const source = headerUsed ? fromHeader : fromQuery;
  const raw = source.callback;
  if (raw === undefined || raw.trim() === '') return undefined;

  const config = decodeJsonObject('callback', raw);
  const urlList = optionalString(config, 'callbackUrl', raw) ?? '';
  // OSS: "If you do not configure this field or leave it empty, callback is not configured."
  const urlTexts = urlList
    .split(';')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urlTexts.length === 0) return undefined;
  if (urlTexts.length > MAX_URLS) throw ossError.callbackTooManyUrls(raw);
  const urls = urlTexts.map((text) => parseCallbackUrl(text, raw));

  const body = optionalString(config, 'callbackBody', raw) ?? '';
  if (body === '') throw ossError.callbackBodyEmpty(raw);
  const malformed = findMalformedVariable(body);
  if (malformed !== undefined) throw ossError.callbackBodyMalformed(malformed, raw);

  const bodyType = (optionalString(config, 'callbackBodyType', raw) ?? CALLBACK_BODY_TYPES[0]!)
    .trim()
    .toLowerCase();
  if (!(CALLBACK_BODY_TYPES as readonly string[]).includes(bodyType))
    throw ossError.callbackBodyTypeInvalid(raw);

  const host = optionalString(config, 'callbackHost', raw)?.trim();
  // It becomes the callback's Host header: no CR/LF, control characters or text other than a host.
  if (host && !isHostHeaderValue(host)) {
    throw ossError.callbackFieldInvalid(
      'callbackHost',
      raw,
      'it must be a host name or IP address, optionally with a port',
    );
  }
  const sni = config.callbackSNI;
  if (sni !== undefined && typeof sni !== 'boolean') throw ossError.callbackFieldInvalid('callbackSNI', raw);

  return {
    urls,
    host: host || undefined,
    body,
    bodyType: bodyType as CallbackBodyType,
    vars: parseVars(source.vars),
    raw,
  };
}
