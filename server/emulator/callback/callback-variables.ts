// The values of the callback body's system variables for a stored object; lib/oss/callback-body.ts
// renders the template with them.

import type { CallbackSystemVariable } from '../../../lib/oss/callback-body.ts';
import { unquoteEtag } from '../../../lib/oss/etag.ts';
import type { ObjectStoredEvent } from '../handlers/operation-context.ts';

/**
 * The system variables for a stored object. imageInfo.* stay empty: the emulator does not decode images.
 * contentMd5 exists for PutObject and PostObject only (a multipart object has no whole-object MD5).
 */
export function systemVariables(event: ObjectStoredEvent): (name: CallbackSystemVariable) => string {
  const { object, exchange } = event;
  const values: Record<CallbackSystemVariable, string> = {
    bucket: event.bucket,
    object: event.key,
    etag: unquoteEtag(object.etag),
    size: String(object.size),
    mimeType: object.metadata.contentType ?? '',
    'imageInfo.height': '',
    'imageInfo.width': '',
    'imageInfo.format': '',
    crc64: object.crc64,
    contentMd5: object.contentMd5 ?? '',
    vpcId: '',
    clientIp: (exchange.req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    reqId: exchange.requestId,
    operation: event.operation,
  };
  return (name) => values[name];
}
