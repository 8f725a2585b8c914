// Requests to the OSS emulator signed with its root key: a test's own view of what OSS holds, never
// the app's (the app only ever gets STS tokens from the token service).

import type { QueryPairs } from '../lib/oss/request.ts';
import { signRequestV4 } from '../lib/oss/sign-v4.ts';
import { objectUrl } from '../lib/oss-client/object-url.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';

export interface EmulatorTarget {
  url: string;
  bucket: string;
}

/** One request signed with the emulator's root key; the body of the answer is left to the caller to read. */
export async function emulatorRequest(
  method: string,
  key: string,
  target: EmulatorTarget,
  query: QueryPairs = [],
): Promise<Response> {
  const credentials = {
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const headers = await signRequestV4({ method, bucket: target.bucket, key, query }, credentials, {
    region: EMULATOR_DEFAULTS.region,
    now: new Date(),
  });
  return fetch(objectUrl(target.url, target.bucket, key, query), { method, headers });
}
