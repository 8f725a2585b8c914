import { objectNameProblem } from '../../../lib/oss/object-name.ts';
import { ossError } from '../errors.ts';

/** OSS's object-name rule (lib/oss/object-name.ts), failing as OSS does: InvalidObjectName. */
export function checkObjectName(key: string): void {
  if (objectNameProblem(key) !== undefined) throw ossError.invalidObjectName();
}
