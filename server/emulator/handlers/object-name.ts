import { ossError } from '../errors.ts';

/** OSS object names: 1..1023 UTF-8 bytes, not starting with / or \ (§1.7). */
export function checkObjectName(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > 1023 || key.startsWith('/') || key.startsWith('\\')) {
    throw ossError.invalidObjectName();
  }
}
