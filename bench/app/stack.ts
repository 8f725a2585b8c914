// What the app suite runs against: the built app and token service in this process (tests/support/app-stack.ts, as
// the e2e tests wire them), the emulator as a child process with the traffic recorder, and a root-key
// client to check and delete objects. One stack for the whole suite; counters are reset per scenario.

import { join } from 'node:path';
import { ensureBuild } from '../../server/app/ensure-build.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';
import { corsRuleFor, renderCorsConfig } from '../../server/emulator/cors/cors-config.ts';
import { startTestApp } from '../../tests/support/app-stack.ts';
import { spawnEmulator } from '../emulator/emulator-process.ts';
import { NodeOssClient } from '../lib/node-oss-client.ts';
import { progress } from '../lib/progress.ts';
import type { SourceFile } from './source-files.ts';
import type { StoredObject, Traffic } from './traffic-recorder.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BUCKET = EMULATOR_DEFAULTS.bucket;

export interface Stack {
  /** Origin of the app, e.g. http://127.0.0.1:40123 */
  appUrl: string;
  emulatorUrl: string;
  emulatorPid: number;
  bucket: string;
  /** The token service's key prefix: Skylift and the ali-oss page may write only under it. */
  prefix: string;
  /** Root credentials: set up, check and delete objects, whoever wrote them. */
  oss: NodeOssClient;
  traffic(): Promise<Traffic>;
  resetTraffic(): Promise<void>;
  /** Polls the traffic every `intervalMs` until `done` holds; throws after `timeoutMs`. */
  waitForTraffic(
    done: (t: Traffic) => boolean,
    timeoutMs: number,
    what: string,
    intervalMs?: number,
  ): Promise<Traffic>;
  stop(): Promise<void>;
}

/**
 * The object stored from `file` through the UI: the UI chooses the key (token prefix, the person's own
 * prefix, folders), so it is found by the file's name at its end.
 */
export function storedFrom(traffic: Traffic, file: SourceFile): StoredObject | undefined {
  return traffic.stored.find((s) => s.key === file.name || s.key.endsWith(`/${file.name}`));
}

export async function startStack(): Promise<Stack> {
  if (await ensureBuild(REPO_ROOT, join(REPO_ROOT, 'dist'))) progress('app: built dist/');
  const emulator = await spawnEmulator(BUCKET, 'bench/app/emulator-child.ts');
  try {
    const app = await startTestApp(
      emulator.url,
      // The token service limits how often a client asks; every browser launch here asks afresh.
      { OSS_BUCKET: BUCKET, TOKEN_RATE_LIMIT: '10000' },
      { distDir: join(REPO_ROOT, 'dist') },
    );
    const oss = new NodeOssClient({ endpoint: emulator.url, bucket: BUCKET });
    // The app's pages may use the bucket, as with `npm start` (the rule the emulator gives its buckets);
    // the emulator runs in a process of its own and the app's port is known only now.
    const cors = renderCorsConfig({ rules: [corsRuleFor(app.origins)], responseVary: false });
    await oss.expectOk(
      { method: 'PUT', key: '', query: [['cors', '']], body: Buffer.from(cors) },
      'PutBucketCors',
    );
    const internal = async (method: string, path: string) => {
      const response = await fetch(`${emulator.url}/-/bench/${path}`, { method });
      if (!response.ok) throw new Error(`${method} /-/bench/${path}: HTTP ${response.status}`);
      return response.json();
    };
    const traffic = () => internal('GET', 'traffic') as Promise<Traffic>;
    return {
      appUrl: new URL(app.credentialsUrl).origin,
      emulatorUrl: emulator.url,
      emulatorPid: emulator.pid,
      bucket: BUCKET,
      prefix: app.config.token.prefix,
      oss,
      traffic,
      resetTraffic: async () => void (await internal('POST', 'traffic/reset')),
      waitForTraffic: async (done, timeoutMs, what, intervalMs = 100) => {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
          const now = await traffic();
          if (done(now)) return now;
          if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
          await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      },
      stop: async () => {
        oss.close();
        await app.close();
        await emulator.stop();
      },
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}
