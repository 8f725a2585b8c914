// Any failure of a dashboard call → the UploadProblem shape the engine also reports
// (code + message + request id), so the page shows every OSS error one way.

import { OssNetworkError, OssRequestError } from '../../lib/oss-client/errors.ts';
import type { UploadProblem } from '../../lib/protocol/messages.ts';

export function toProblem(error: unknown): UploadProblem {
  if (error instanceof OssRequestError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.requestId ? { requestId: error.requestId } : {}),
    };
  }
  if (error instanceof OssNetworkError) {
    return {
      code: 'NetworkError',
      message: 'OSS did not answer. Check the connection, and that the bucket’s CORS rules allow this site.',
    };
  }
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const code = text(e?.code) || text(e?.name) || 'Error';
  const message = typeof error === 'object' && error !== null ? text(e?.message) : String(error);
  return { code, message: message.split('\n')[0]?.trim() || 'Something went wrong.' };
}
