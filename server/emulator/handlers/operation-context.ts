// What every operation handler receives once routing and authentication are done, and the hook the
// lead's upload-callback feature plugs into.

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { uriEncode } from '../../../lib/oss/uri-encode.ts';
import type { Principal } from '../auth/auth-types.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import { ossError } from '../errors.ts';
import type { Address } from '../http/addressing.ts';
import type { Exchange } from '../http/exchange.ts';
import type { Query } from '../http/query.ts';
import type { BucketState } from '../persistence/bucket-state.ts';
import type { ObjectRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import type { Operation, OperationName } from '../routing/operations.ts';

export interface ObjectStoredEvent {
  operation: 'PutObject' | 'PostObject' | 'CompleteMultipartUpload';
  exchange: Exchange;
  bucket: string;
  key: string;
  object: ObjectRecord;
  /**
   * The success response about to be sent. Its headers (ETag, x-oss-hash-crc64ecma, ...) are already set
   * on exchange.res, so a hook that answers itself (e.g. with a callback server's JSON or a 203
   * CallbackFailed) keeps them.
   */
  response: { status: number; xml?: string };
}

/**
 * Runs after PutObject / CompleteMultipartUpload stored the object (it stays stored whatever the hook
 * does). Return 'handled' when the hook has written the response itself.
 */
export type ObjectStoredHook = (event: ObjectStoredEvent) => Promise<'handled' | undefined>;

export interface OperationContext extends Exchange {
  operation: Operation;
  address: Address;
  bucketName: string;
  bucket: BucketState;
  key: string;
  query: Query;
  store: Store;
  principal: Principal;
  /** For handlers that authorize more than the operation's own action (a copy's source, each key of a batch). */
  authenticator: Authenticator;
  onObjectStored?: ObjectStoredHook;
  /** The upload callback's validation, for handlers whose options arrive in the body (PostObject). */
  validateRequest?: RequestValidator;
}

export type OperationHandler = (ctx: OperationContext) => Promise<void>;

/** `encoding-type=url` asks for keys and prefixes URL-encoded in XML bodies. */
export function wantsUrlEncoding(ctx: OperationContext): boolean {
  return ctx.query.get('encoding-type') === 'url';
}

/** `encoding-type=url`: the EncodingType element to echo and how keys, prefixes and markers are written. */
export function encodingFields(ctx: OperationContext): {
  EncodingType?: string;
  encode: (text: string) => string;
} {
  return wantsUrlEncoding(ctx) ? { EncodingType: 'url', encode: (t) => uriEncode(t) } : { encode: (t) => t };
}

/** Timestamps in XML bodies: ISO with the milliseconds OSS always writes as .000. */
export const xmlTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000Z`;

/** A non-negative integer query parameter; absent → `fallback`, > `max` → `max`. */
export function integerParam(
  ctx: { query: Query },
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
  min = 0,
): number {
  const raw = ctx.query.get(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min)
    throw ossError.invalidArgument(`Invalid ${name}.`, name, raw);
  return Math.min(Number(raw), max);
}

/** Checks of an authorized request before its handler reads the body (see PipelineDeps.validateRequest). */
export type RequestValidator = (
  operation: OperationName,
  req: IncomingMessage,
  query: Query,
  /** Where the request's options are; defaults to req.headers (PostObject passes its form fields). */
  fields?: IncomingHttpHeaders,
) => Promise<void>;
