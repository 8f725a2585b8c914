// PostObject (`POST /` with a multipart/form-data body, OSS API reference: PostObject): a browser form upload. Everything is in
// the form: key, credentials, base64 policy and its signature, object metadata, the upload callback,
// and last the file, which is streamed to disk like a PutObject body (never held in memory).
//
// Order, as OSS answers: form well-formed → policy parses → signature (credentials) → expiration and
// conditions → RAM (oss:PutObject on the key) → file received → content-length-range → stored.
// Fields after the file are ignored (OSS: "the file must be the last field").

import type { IncomingHttpHeaders } from 'node:http';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { uriEncode } from '../../../lib/oss/uri-encode.ts';
import { buildXml } from '../../../lib/oss/xml.ts';
import { readSignedPostForm } from '../auth/post-form-signature.ts';
import { OssError, ossError } from '../errors.ts';
import { sendEmpty, sendXml } from '../http/exchange.ts';
import { refuseRootKeyFromForeignPages } from '../security/root-key-from-pages.ts';
import { forbidOverwriteHeader, metadataFromHeaders } from './object-metadata.ts';
import { checkObjectName } from './object-name.ts';
import type { OperationContext } from './operation-context.ts';
import { checkContentLength, checkPolicy, parsePostPolicy } from './post-policy.ts';
import { MAX_OBJECT_BYTES } from './request-body.ts';

/** OSS: all field names together at most 8 KB, all values at most 2 MB. */
const MAX_FIELD_NAME_BYTES = 8 * 1024;
const MAX_FIELD_VALUE_BYTES = 2 * 1024 * 1024;
const MAX_FIELDS = 1000;
const SUCCESS_STATUSES = new Set([200, 201, 204]);
/** Form fields that become object metadata, as the PutObject headers of the same names. */
const METADATA_FIELDS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'expires',
  'x-oss-storage-class',
  'x-oss-forbid-overwrite',
];

interface PostForm {
  /** Field names lowercased (OSS: names are case-insensitive, values are not); the first of a name wins. */
  fields: Map<string, string>;
  file: BusboyFileStream;
  filename: string;
  fileContentType: string | undefined;
  /** Settles when the whole body has been parsed (rejects when it is cut or malformed). */
  finished: Promise<void>;
}

/** Parses fields up to the `file` part and hands the file over as a stream. */
function readForm(ctx: OperationContext): Promise<PostForm> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
    throw ossError.malformedPostRequest('Content-Type must be multipart/form-data with a boundary.');
  }
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    let valueBytes = 0;
    let nameBytes = 0;
    let fileSeen = false;
    let fileStream: BusboyFileStream | undefined;
    let settleFinished: (error?: unknown) => void = () => {};
    const finished = new Promise<void>((done, fail) => {
      settleFinished = (error) => (error === undefined ? done() : fail(error));
    });
    finished.catch(() => {}); // observed by the handler once it has the file
    // A form that breaks after the file began also ends the file's stream, so its reader stops.
    const fail = (error: OssError) => {
      reject(error);
      settleFinished(error);
      fileStream?.destroy(error);
    };
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { ...ctx.req.headers, 'content-type': contentType },
        // The part named "file" is the file, with or without a filename (Go's SDK sample sends none).
        isPartAFile: (name) => name?.toLowerCase() === 'file',
        limits: {
          fieldNameSize: MAX_FIELD_NAME_BYTES,
          fieldSize: MAX_FIELD_VALUE_BYTES,
          fields: MAX_FIELDS,
          files: 1,
          fileSize: MAX_OBJECT_BYTES + 1,
        },
      });
    } catch (error) {
      throw ossError.malformedPostRequest((error as Error).message);
    }
    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (fileSeen) return;
      nameBytes += Buffer.byteLength(name);
      valueBytes += Buffer.byteLength(value);
      if (
        nameTruncated ||
        valueTruncated ||
        nameBytes > MAX_FIELD_NAME_BYTES ||
        valueBytes > MAX_FIELD_VALUE_BYTES
      ) {
        fail(ossError.fieldItemTooLong(name));
        return;
      }
      const lower = name.toLowerCase();
      if (!fields.has(lower)) fields.set(lower, value);
    });
    parser.on('file', (_name, file, filename, _encoding, mimeType) => {
      if (fileSeen) {
        file.resume();
        return;
      }
      fileSeen = true;
      fileStream = file;
      file.on('error', (error: Error) => fail(ossError.malformedPostRequest(error.message)));
      resolve({ fields, file, filename: filename ?? '', fileContentType: mimeType || undefined, finished });
    });
    parser.on('fieldsLimit', () => fail(ossError.fieldItemTooLong('(too many fields)')));
    parser.on('finish', () => {
      if (!fileSeen) fail(ossError.incorrectNumberOfFiles('The form has no "file" field.'));
      settleFinished();
    });
    parser.on('error', (error: unknown) => fail(ossError.malformedPostRequest((error as Error).message)));
    ctx.req.on('close', () => {
      if (!ctx.req.complete) fail(ossError.malformedPostRequest('The request body was cut off.'));
    });
    ctx.req.pipe(parser);
  });
}

/** The form fields as the PutObject headers they stand for, so one rule reads metadata from both. */
function metadataHeaders(form: PostForm): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of form.fields) {
    if (METADATA_FIELDS.includes(name) || name.startsWith('x-oss-meta-')) headers[name] = value;
  }
  // Precedence (OSS API reference: PostObject): x-oss-content-type, then the form's Content-Type, then the file part's.
  const contentType =
    form.fields.get('x-oss-content-type') ?? form.fields.get('content-type') ?? form.fileContentType;
  if (contentType !== undefined) headers['content-type'] = contentType;
  return headers;
}

/** `callback` and the `x:` fields as the x-oss-callback / x-oss-callback-var headers they stand for. */
function callbackHeaders(form: PostForm): IncomingHttpHeaders {
  const callback = form.fields.get('callback');
  if (callback === undefined) return {};
  const vars = Object.fromEntries([...form.fields].filter(([name]) => name.startsWith('x:')));
  return {
    'x-oss-callback': callback,
    ...(Object.keys(vars).length > 0
      ? { 'x-oss-callback-var': Buffer.from(JSON.stringify(vars)).toString('base64') }
      : {}),
  };
}

/** success_action_redirect: an absolute http(s) URL the browser is sent to after the upload. */
function redirectTarget(value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {}
  throw ossError.invalidArgument(
    'success_action_redirect must be an absolute http or https URL.',
    'success_action_redirect',
    value,
  );
}

export async function postObject(ctx: OperationContext): Promise<void> {
  const form = await readForm(ctx);
  const { fields } = form;
  const rawKey = fields.get('key');
  if (rawKey === undefined || rawKey === '') {
    throw ossError.incorrectNumberOfFiles('The form has no "key" field naming the object.');
  }
  if (fields.has('x-oss-tagging')) {
    throw ossError.invalidArgument(
      'x-oss-tagging cannot be specified in a PostObject form.',
      'x-oss-tagging',
      fields.get('x-oss-tagging'),
    );
  }
  const signed = readSignedPostForm(fields);
  if (!signed) {
    throw ossError.accessDenied(
      'Anonymous PostObject is not supported by the emulator (its buckets are private): sign the form with a policy.',
    );
  }
  const policy = parsePostPolicy(signed.policy);
  const principal = await ctx.authenticator.authenticateForm(signed);
  // A form POST is the simplest thing a foreign page can send: the public root key must not work there.
  refuseRootKeyFromForeignPages(principal, ctx.req, ctx.bucket.record.cors);
  checkPolicy(policy, fields, ctx.bucketName, ctx.now);
  // `${filename}` is expanded after the policy check, which sees the key as sent.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS's placeholder, not a JS template.
  const key = rawKey.replaceAll('${filename}', form.filename);
  checkObjectName(key);
  ctx.authenticator.authorize(principal, 'oss:PutObject', ctx.bucketName, key);
  const redirect = redirectTarget(fields.get('success_action_redirect'));
  const headers = metadataHeaders(form);
  const metadata = metadataFromHeaders(headers);
  const forbidOverwrite = forbidOverwriteHeader(headers) ?? false;
  await ctx.validateRequest?.('PostObject', ctx.req, ctx.query, callbackHeaders(form));
  if (forbidOverwrite && ctx.bucket.objects.has(key)) throw ossError.fileAlreadyExists('0026-00000201');

  let body: Awaited<ReturnType<typeof ctx.store.receive>>;
  try {
    body = await ctx.store.receive(form.file, MAX_OBJECT_BYTES);
  } catch (error) {
    if (error instanceof OssError) throw error;
    await form.finished; // a cut or malformed form rejects here, with the error OSS gives
    throw error;
  }
  try {
    await form.finished; // the closing boundary arrived: the file is whole
    checkContentLength(policy, body.size);
  } catch (error) {
    await ctx.store.discard(body);
    throw error;
  }
  const object = await ctx.store.putObject(ctx.bucketName, key, body, metadata, forbidOverwrite);
  ctx.res.setHeader('ETag', object.etag);
  ctx.res.setHeader('x-oss-hash-crc64ecma', object.crc64);

  const status = Number(fields.get('success_action_status'));
  const location = `http://${ctx.hostId}/${ctx.address.style === 'virtual-host' ? '' : `${ctx.bucketName}/`}${uriEncode(key, true)}`;
  const xml =
    status === 201
      ? buildXml('PostResponse', { Bucket: ctx.bucketName, ETag: object.etag, Key: key, Location: location })
      : undefined;
  const handled = await ctx.onObjectStored?.({
    operation: 'PostObject',
    exchange: ctx,
    bucket: ctx.bucketName,
    key,
    object,
    response: { status: SUCCESS_STATUSES.has(status) ? status : 204, xml },
  });
  if (handled === 'handled') return;
  if (redirect) {
    redirect.searchParams.set('bucket', ctx.bucketName);
    redirect.searchParams.set('key', key);
    redirect.searchParams.set('etag', object.etag);
    sendEmpty(ctx, 303, { Location: redirect.toString() });
  } else if (xml) sendXml(ctx, 201, xml);
  else sendEmpty(ctx, SUCCESS_STATUSES.has(status) ? status : 204);
}
