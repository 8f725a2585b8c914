// ListMultipartUploads (`GET /?uploads`), OSS API reference: ListMultipartUploads: sorted by key, then upload id.

import { buildXml } from '../../../lib/oss/xml.ts';
import { sendXml } from '../http/exchange.ts';
import { compareKeys } from '../persistence/key-order.ts';
import type { UploadRecord } from '../persistence/records.ts';
import { groupByDelimiter } from './group-by-delimiter.ts';
import { encodingFields, integerParam, type OperationContext, xmlTime } from './operation-context.ts';

const MAX_UPLOADS = 1000;

export async function listMultipartUploads(ctx: OperationContext): Promise<void> {
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  // upload-id-marker means nothing without key-marker (OSS API reference: ListMultipartUploads).
  const uploadIdMarker = keyMarker === '' ? '' : (ctx.query.get('upload-id-marker') ?? '');
  const maxUploads = integerParam(ctx, 'max-uploads', MAX_UPLOADS, MAX_UPLOADS, 1);

  const after = [...ctx.bucket.uploads.values()]
    .map((u) => u.record)
    .filter((u) => {
      const cmp = compareKeys(u.key, keyMarker);
      return (
        keyMarker === '' || cmp > 0 || (cmp === 0 && uploadIdMarker !== '' && u.uploadId > uploadIdMarker)
      );
    })
    .sort(
      (a, b) => compareKeys(a.key, b.key) || (a.uploadId < b.uploadId ? -1 : a.uploadId > b.uploadId ? 1 : 0),
    );
  const { entries, truncated } = groupByDelimiter<UploadRecord>(after, (u) => u.key, {
    prefix,
    delimiter,
    max: maxUploads,
    marker: keyMarker,
  });

  const last = entries.at(-1);
  const { EncodingType, encode } = encodingFields(ctx);
  sendXml(
    ctx,
    200,
    buildXml('ListMultipartUploadsResult', {
      EncodingType,
      Bucket: ctx.bucketName,
      KeyMarker: encode(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: encode(last === undefined ? '' : last.kind === 'item' ? last.item.key : last.prefix),
      NextUploadIdMarker: last?.kind === 'item' ? last.item.uploadId : '',
      Delimiter: encode(delimiter),
      Prefix: encode(prefix),
      MaxUploads: maxUploads,
      IsTruncated: String(truncated),
      Upload: entries.flatMap((e) =>
        e.kind === 'item'
          ? [{ Key: encode(e.item.key), UploadId: e.item.uploadId, Initiated: xmlTime(e.item.initiated) }]
          : [],
      ),
      CommonPrefixes: entries.flatMap((e) => (e.kind === 'prefix' ? [{ Prefix: encode(e.prefix) }] : [])),
    }),
  );
}
