// Put/GetBucketCors (`?cors`, OSS API reference: PutBucketCors, Options) and Put/GetBucketLifecycle (`?lifecycle`).

import { MAX_CORS_BODY_BYTES, parseCorsConfig, renderCorsConfig } from '../cors/cors-config.ts';
import { ossError } from '../errors.ts';
import { sendEmpty, sendXml } from '../http/exchange.ts';
import {
  MAX_LIFECYCLE_BODY_BYTES,
  parseLifecycleConfig,
  renderLifecycleConfig,
} from '../lifecycle/lifecycle-config.ts';
import type { OperationContext } from './operation-context.ts';
import { readSmallBody } from './request-body.ts';

export async function putBucketCors(ctx: OperationContext): Promise<void> {
  const body = await readSmallBody(ctx.req, MAX_CORS_BODY_BYTES, () =>
    ossError.invalidArgument('The size of the CORS configuration exceeds 16 KB.', 'CORSConfiguration'),
  );
  await ctx.store.updateBucket(ctx.bucket, { cors: parseCorsConfig(body) });
  sendEmpty(ctx, 200);
}

export async function getBucketCors(ctx: OperationContext): Promise<void> {
  const cors = ctx.bucket.record.cors;
  if (!cors) throw ossError.noSuchCorsConfiguration(ctx.bucketName);
  sendXml(ctx, 200, renderCorsConfig(cors));
}

export async function putBucketLifecycle(ctx: OperationContext): Promise<void> {
  const body = await readSmallBody(ctx.req, MAX_LIFECYCLE_BODY_BYTES, ossError.malformedXml);
  await ctx.store.updateBucket(ctx.bucket, { lifecycle: parseLifecycleConfig(body) });
  sendEmpty(ctx, 200);
}

export async function getBucketLifecycle(ctx: OperationContext): Promise<void> {
  const lifecycle = ctx.bucket.record.lifecycle;
  if (!lifecycle) throw ossError.noSuchLifecycle(ctx.bucketName);
  sendXml(ctx, 200, renderLifecycleConfig(lifecycle));
}
