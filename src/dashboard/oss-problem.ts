// Any failure of a dashboard call → the UploadProblem shape the engine also reports
// (code + message + request id), so the page shows every OSS error one way.

import { parseOssErrorXml } from '../../lib/oss/errors.ts';
import type { UploadProblem } from '../../lib/protocol/messages.ts';

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  status?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function toProblem(error: unknown): UploadProblem {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const message = text(e.message);
  // ali-oss appends the body when it could not read it as XML; never show XML to people.
  const rawAt = message.indexOf('raw xml:');
  if (rawAt >= 0) {
    const info = parseOssErrorXml(message.slice(rawAt + 'raw xml:'.length).trim());
    if (info?.code) {
      return {
        code: info.code,
        message: info.message,
        ...(info.requestId ? { requestId: info.requestId } : {}),
      };
    }
  }
  const requestId = text(e.requestId);
  const withId = requestId ? { requestId } : {};
  // ali-oss marks "no HTTP answer" (offline, refused, CORS) with status -1 and RequestError.
  if (e.status === -1 || e.name === 'RequestError' || e.name === 'ConnectionTimeoutError') {
    return {
      code: e.name === 'ConnectionTimeoutError' ? 'Timeout' : 'NetworkError',
      message: 'OSS did not answer. Check the connection, and that the bucket’s CORS rules allow this site.',
      ...withId,
    };
  }
  const code = text(e.code) || text(e.name) || 'Error';
  const firstLine = (rawAt >= 0 ? message.slice(0, rawAt) : message).split('\n')[0]?.trim();
  return { code, message: firstLine || 'Something went wrong.', ...withId };
}
