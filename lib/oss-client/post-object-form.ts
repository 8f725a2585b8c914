// A PostObject form (OSS API reference: PostObject, "Signature Version 4" POST section) for one object
// of an exact size, signed with the project's V4 signer: the signature is HMAC-SHA256 over the base64
// policy with the same signing key as header auth. Built as a multipart/form-data Blob whose file
// part is the Blob slice itself (nothing read into memory), so it can travel as a CORS-simple POST:
// every credential is in the body, and no header but Content-Type is set.

import type { TemporaryCredentials } from '../credentials/temporary-credentials.ts';
import { toBase64, utf8 } from '../oss/bytes.ts';
import { ALGORITHM_V4, isoDateV4, scopeV4, signatureV4, signingRegionV4 } from '../oss/sign-v4.ts';
import { objectUrl } from './object-url.ts';

export interface PostObjectFormInput {
  credentials: TemporaryCredentials;
  /** The exact key the form may write (pinned by an `eq` condition). */
  key: string;
  /** The exact size the file must have (pinned by `content-length-range`). */
  size: number;
  /** The policy's `expiration`: OSS refuses the form once the request arrives after this. */
  expiresAt: Date;
  /** Signing time (server-corrected). */
  now: Date;
}

export interface PostObjectForm {
  /** `POST` here: the bucket's root. */
  url: string;
  /** Form fields in the order they are sent, `file` excluded (it goes last). */
  fields: [string, string][];
}

/** The answer status asked for: 200 with an empty body and ETag / x-oss-hash-crc64ecma headers. */
export const POST_SUCCESS_STATUS = '200';

export async function signPostObjectForm(input: PostObjectFormInput): Promise<PostObjectForm> {
  const { credentials, key, size } = input;
  const isoDate = isoDateV4(input.now);
  const region = signingRegionV4(credentials.region);
  const credential = `${credentials.accessKeyId}/${scopeV4(isoDate.slice(0, 8), region)}`;
  const signed: [string, string][] = [
    ['x-oss-signature-version', ALGORITHM_V4],
    ['x-oss-credential', credential],
    ['x-oss-date', isoDate],
    ['x-oss-security-token', credentials.securityToken],
  ];
  const policy = {
    expiration: input.expiresAt.toISOString(),
    conditions: [
      { bucket: credentials.bucket },
      ...signed.map(([name, value]) => ({ [name]: value })),
      ['eq', '$key', key],
      ['eq', '$success_action_status', POST_SUCCESS_STATUS],
      ['content-length-range', size, size],
    ],
  };
  const encoded = toBase64(utf8(JSON.stringify(policy)));
  const signature = await signatureV4(credentials.accessKeySecret, isoDate.slice(0, 8), region, encoded);
  return {
    url: objectUrl(credentials.endpoint, credentials.bucket, ''),
    fields: [
      ['key', key],
      ['success_action_status', POST_SUCCESS_STATUS],
      ...signed,
      ['policy', encoded],
      ['x-oss-signature', signature],
    ],
  };
}

/** RFC 7578 form field names and values here are ASCII without quotes or line breaks; refuse others. */
function checkedFieldText(text: string): string {
  if (/["\r\n]/.test(text)) throw new Error(`A form field may not contain quotes or line breaks: ${text}`);
  return text;
}

/**
 * The form as a multipart/form-data body, `file` last (OSS ignores fields after it). The file part is
 * `file` itself, so a Blob slice of a stored file stays on disk until the request sends it.
 */
export function postObjectBody(
  form: PostObjectForm,
  file: Blob,
  boundary = `----skylift${crypto.randomUUID().replaceAll('-', '')}`,
): { body: Blob; contentType: string } {
  const head = form.fields
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${checkedFieldText(name)}"\r\n\r\n${checkedFieldText(value)}\r\n`,
    )
    .join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="part"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    body: new Blob([head, fileHead, file, `\r\n--${boundary}--\r\n`]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
