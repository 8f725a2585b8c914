// The CORS configuration of the buckets the emulator creates at start (`--bucket`, `createBuckets`):
// the app's own origins, never `*` by default — the root key is public, and a bucket open to every
// origin would let any web page the developer visits read and delete its objects.

import { isDeepStrictEqual } from 'node:util';
import type { Store } from '../persistence/store.ts';
import { type CorsConfig, corsRuleFor, PERMISSIVE_CORS_RULE } from './cors-config.ts';

/** What versions before the origin list installed, unmarked: replaced like one of ours. */
const ALLOW_ALL_OF_EARLIER_VERSIONS: CorsConfig = { rules: [PERMISSIVE_CORS_RULE], responseVary: false };

/**
 * Creates `name` with the emulator's CORS configuration for `origins`, or brings an existing bucket's
 * in step with them — unless its configuration was set by someone (PutBucketCors), which stays.
 */
export async function applyEmulatorCors(
  store: Store,
  name: string,
  origins: readonly string[],
): Promise<void> {
  const wanted: CorsConfig = {
    rules: [corsRuleFor(origins)],
    responseVary: false,
    installedByEmulator: true,
  };
  const bucket = store.bucket(name);
  if (!bucket) {
    await store.createBucket(name, { cors: wanted });
    return;
  }
  const current = bucket.record.cors;
  const ours =
    current === undefined ||
    current.installedByEmulator ||
    isDeepStrictEqual(current, ALLOW_ALL_OF_EARLIER_VERSIONS);
  if (ours && !isDeepStrictEqual(current, wanted)) await store.updateBucket(bucket, { cors: wanted });
}
