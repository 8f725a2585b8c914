// DeleteMultipleObjects (`POST /?delete`, OSS API reference: DeleteMultipleObjects): up to 1000 keys in one XML body, Content-MD5 required.
// Every key is checked and authorized (oss:DeleteObject) before any is deleted, so a request that
// fails deletes nothing. Keys that do not exist are reported as deleted, as OSS does.

import { buildXml, parseXml, type XmlElement, type XmlNode } from '../../../lib/oss/xml.ts';
import { ossError } from '../errors.ts';
import { sendEmpty, sendXml } from '../http/exchange.ts';
import { checkObjectName } from './object-name.ts';
import { encodingFields, type OperationContext } from './operation-context.ts';
import { readSmallBody } from './request-body.ts';

const MAX_KEYS = 1000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

function parseDeleteBody(body: string): { quiet: boolean; keys: string[] } {
  let root: XmlNode | undefined;
  try {
    root = parseXml(body, { arrays: ['Object'] }).Delete;
  } catch {
    throw ossError.malformedXml();
  }
  if (root === undefined || typeof root !== 'object' || Array.isArray(root)) throw ossError.malformedXml();
  const quiet = root.Quiet;
  if (quiet !== undefined && (typeof quiet !== 'string' || !/^(true|false)$/i.test(quiet.trim()))) {
    throw ossError.malformedXml();
  }
  const objects = (root.Object ?? []) as XmlNode[];
  if (objects.length === 0 || objects.length > MAX_KEYS) throw ossError.malformedXml();
  const keys = objects.map((node) => {
    const key = (node as XmlElement).Key;
    if (typeof key !== 'string' || key === '') throw ossError.malformedXml();
    return key;
  });
  return { quiet: String(quiet).trim().toLowerCase() === 'true', keys };
}

export async function deleteMultipleObjects(ctx: OperationContext): Promise<void> {
  if (ctx.req.headers['content-md5'] === undefined) {
    throw ossError.missingArgument(
      'Content-MD5',
      'Missing required header for this request: Content-MD5.',
      '0016-00000606',
    );
  }
  const { quiet, keys } = parseDeleteBody(
    await readSmallBody(ctx.req, MAX_BODY_BYTES, ossError.malformedXml),
  );
  for (const key of keys) {
    checkObjectName(key);
    ctx.authenticator.authorize(ctx.principal, 'oss:DeleteObject', ctx.bucketName, key);
  }
  for (const key of keys) await ctx.store.deleteObject(ctx.bucketName, key);
  if (quiet) {
    sendEmpty(ctx, 200);
    return;
  }
  const { EncodingType, encode } = encodingFields(ctx);
  sendXml(
    ctx,
    200,
    buildXml('DeleteResult', { EncodingType, Deleted: keys.map((key) => ({ Key: encode(key) })) }),
  );
}
