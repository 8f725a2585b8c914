// Failures the engine itself detects, next to OssRequestError/OssNetworkError from the client.

/** The stored file can no longer be read (moved, changed or deleted on disk: NotReadableError). */
export class FileUnreadableError extends Error {
  override name = 'FileUnreadableError';
}

/**
 * The stored file reads back different bytes than when it was chosen, with the same size and date
 * (a browser that keeps a reference to the file on disk, and the file was rewritten in place).
 */
export class FileChangedError extends Error {
  override name = 'FileChangedError';
}

/** The CRC64 OSS computed differs from the one computed here from the same bytes. */
export class CrcMismatchError extends Error {
  override name = 'CrcMismatchError';
}

/** A read error that means the file is gone or changed, not a transient fault. */
export function isFileReadError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'NotReadableError' || name === 'NotFoundError' || error instanceof FileUnreadableError;
}

export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
