// `${...}` substitution in callbackBody (§5): the system variables OSS fills in after storing the
// object, plus the caller's `${x:...}` variables from callback-var.

import { unquoteEtag } from '../../../lib/oss/etag.ts';
import type { ObjectStoredEvent } from '../handlers/operation-context.ts';
import type { CallbackBodyType } from './callback-request.ts';

/** A value and whether a JSON body carries it as a number (sizes, CRCs) rather than a string. */
export interface CallbackValue {
  text: string;
  numeric?: boolean;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** Why a template cannot be substituted (an unclosed or empty `${}`), or undefined when it can. */
export function findMalformedVariable(template: string): string | undefined {
  const withoutVariables = template.replace(VARIABLE, (whole, name: string) =>
    name.trim() === '' ? '\0' : ' '.repeat(whole.length),
  );
  // biome-ignore lint/suspicious/noTemplateCurlyInString: names the OSS syntax, not a JS template.
  if (withoutVariables.includes('\0')) return 'empty variable ${}';
  const open = withoutVariables.indexOf('${');
  return open < 0 ? undefined : `unclosed variable at offset ${open}`;
}

/**
 * The system variables for a stored object. imageInfo.* stay empty: the emulator does not decode images.
 * contentMd5 exists for PutObject and PostObject only (a multipart object has no whole-object MD5).
 */
export function systemVariables(event: ObjectStoredEvent): Map<string, CallbackValue> {
  const { object, exchange } = event;
  const clientIp = (exchange.req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return new Map<string, CallbackValue>([
    ['bucket', { text: event.bucket }],
    ['object', { text: event.key }],
    ['etag', { text: unquoteEtag(object.etag) }],
    ['size', { text: String(object.size), numeric: true }],
    ['mimeType', { text: object.metadata.contentType ?? '' }],
    ['imageInfo.height', { text: '' }],
    ['imageInfo.width', { text: '' }],
    ['imageInfo.format', { text: '' }],
    ['crc64', { text: object.crc64, numeric: true }],
    ['contentMd5', { text: object.contentMd5 ?? '' }],
    ['vpcId', { text: '' }],
    ['clientIp', { text: clientIp }],
    ['reqId', { text: exchange.requestId }],
    ['operation', { text: event.operation }],
  ]);
}

/**
 * Fills the template. Form bodies get each value URL-encoded; JSON bodies get a JSON literal (a string,
 * or a bare number for size and crc64), so the OSS doc's `{"mimeType":${mimeType},"size":${size}}` is
 * valid JSON. An `${x:...}` not given in callback-var is empty; an unknown system name stays as written.
 */
export function renderCallbackBody(
  template: string,
  bodyType: CallbackBodyType,
  system: Map<string, CallbackValue>,
  custom: Map<string, string>,
): string {
  const encode =
    bodyType === 'application/json'
      ? ({ text, numeric }: CallbackValue) => (numeric && text !== '' ? text : JSON.stringify(text))
      : ({ text }: CallbackValue) => encodeURIComponent(text);
  return template.replace(VARIABLE, (whole, rawName: string) => {
    const name = rawName.trim();
    if (name.startsWith('x:')) return encode({ text: custom.get(name) ?? '' });
    const value = system.get(name);
    return value === undefined ? whole : encode(value);
  });
}
