// The two ways an OSS call fails: OSS answered with an error (OssRequestError, with OSS's own
// Code/RequestId/EC so a person can look it up), or no answer came at all (OssNetworkError).

import type { TemporaryCredentials } from '../credentials/temporary-credentials.ts';
import { parseOssErrorXml } from '../oss/errors.ts';

export class OssRequestError extends Error {
  override name = 'OssRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string,
    readonly ec: string,
    /** Extra elements of the <Error> body, e.g. ServerTime, UploadId. */
    readonly details: Readonly<Record<string, string>> = {},
    /** The credentials the request was signed with, so a stale token can be invalidated exactly. */
    readonly credentials?: TemporaryCredentials,
  ) {
    super(message);
  }
}

/** fetch rejected: offline, connection refused or reset, CORS refused, or the body could not be read. */
export class OssNetworkError extends Error {
  override name = 'OssNetworkError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Builds the typed error from a non-success response; HEAD answers carry the XML base64 in x-oss-err. */
export async function errorFromResponse(
  response: Response,
  operation: string,
  credentials?: TemporaryCredentials,
): Promise<OssRequestError> {
  let text = await response.text().catch(() => '');
  const encoded = response.headers.get('x-oss-err');
  if (text === '' && encoded) text = decodeBase64Utf8(encoded);
  const info = parseOssErrorXml(text);
  const requestId = info?.requestId || response.headers.get('x-oss-request-id') || '';
  if (!info) {
    return new OssRequestError(
      response.status,
      `Http${response.status}`,
      `${operation} failed with HTTP ${response.status} ${response.statusText} and no OSS error body`,
      requestId,
      response.headers.get('x-oss-ec') ?? '',
      {},
      credentials,
    );
  }
  return new OssRequestError(
    response.status,
    info.code,
    info.message,
    requestId,
    info.ec || (response.headers.get('x-oss-ec') ?? ''),
    info.details,
    credentials,
  );
}

function decodeBase64Utf8(value: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}
