// PutObjectTagging, GetObjectTagging, DeleteObjectTagging (`?tagging` on an object, OSS API reference: PutObjectTagging, GetObjectTagging, DeleteObjectTagging). Tags live in
// the object's metadata; changing them leaves its data, ETag and LastModified alone.

import { ossError } from '../errors.ts';
import { sendEmpty, sendXml } from '../http/exchange.ts';
import { formatTaggingHeader, parseTaggingHeader, parseTaggingXml, renderTaggingXml } from './object-tags.ts';
import type { OperationContext } from './operation-context.ts';
import { readSmallBody } from './request-body.ts';

/** Ten tags of 128 + 256 characters fit in well under this. */
const MAX_TAGGING_BODY_BYTES = 64 * 1024;

function requireObject(ctx: OperationContext) {
  const object = ctx.store.getObject(ctx.bucketName, ctx.key);
  if (!object) throw ossError.noSuchKey(ctx.key);
  return object;
}

export async function putObjectTagging(ctx: OperationContext): Promise<void> {
  requireObject(ctx); // before reading the body
  const tags = parseTaggingXml(await readSmallBody(ctx.req, MAX_TAGGING_BODY_BYTES, ossError.malformedXml));
  await ctx.store.updateObjectMetadata(ctx.bucketName, ctx.key, (metadata) => ({
    ...metadata,
    tagging: tags.length === 0 ? undefined : formatTaggingHeader(tags),
  }));
  sendEmpty(ctx, 200);
}

export async function getObjectTagging(ctx: OperationContext): Promise<void> {
  const { tagging } = requireObject(ctx).metadata;
  sendXml(ctx, 200, renderTaggingXml(parseTaggingHeader(tagging ?? '')));
}

export async function deleteObjectTagging(ctx: OperationContext): Promise<void> {
  requireObject(ctx);
  await ctx.store.updateObjectMetadata(ctx.bucketName, ctx.key, (metadata) => ({
    ...metadata,
    tagging: undefined,
  }));
  sendEmpty(ctx, 204);
}
