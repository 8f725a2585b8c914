// Test support: the real emulator (with 1-second STS tokens allowed) and the real app server with the
// token service, both on free ports, wired exactly as server/start.ts wires them. The emulator keeps the
// product's security defaults; a stack whose pages use it passes the app's `origins` to setCorsOrigins.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createSkyliftServer } from '../app/skylift-server.ts';
import { appOrigins, loadConfig, type SkyliftConfig } from '../config/config.ts';
import { EMULATOR_DEFAULTS } from '../config/emulator-defaults.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../emulator/server.ts';

/** A second bucket the tokens must not reach. */
export const OTHER_BUCKET = 'someone-elses';

export interface TestEmulator {
  emulator: RunningEmulator;
  close(): Promise<void>;
}

/** `extra` adds to (or overrides) the emulator options, e.g. `faults`, `faultInjector`, a fixed `port`. */
export async function startTestEmulator(extra: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skylift-sts-'));
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    defaultBucket: EMULATOR_DEFAULTS.bucket,
    createBuckets: [EMULATOR_DEFAULTS.bucket, OTHER_BUCKET],
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
    stsMinDurationSeconds: 1,
    ...extra,
  });
  return {
    emulator,
    close: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  config: SkyliftConfig;
  /** `http://127.0.0.1:<port>/api/credentials` */
  credentialsUrl: string;
  /**
   * The origins a browser shows this app under (config.ts appOrigins): what the emulator's bucket must
   * allow, as `npm start` allows it — known only now that the app listens on a port of its own.
   */
  origins: string[];
  /** Everything the token service logged. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The app server in emulator mode against `emulatorUrl`, configured by `env` as `npm start` would be.
 * It serves a placeholder page unless `distDir` names a build (the e2e tests pass the real `dist/`);
 * it listens on a free port unless given one (PUBLIC_URL, which sign-in needs, names the port).
 */
export async function startTestApp(
  emulatorUrl: string,
  env: Record<string, string> = {},
  { distDir: builtDir, port: listenPort = 0 }: { distDir?: string; port?: number } = {},
): Promise<TestApp> {
  const placeholderDir = builtDir === undefined ? mkdtempSync(join(tmpdir(), 'skylift-dist-')) : undefined;
  if (placeholderDir)
    writeFileSync(join(placeholderDir, 'index.html'), '<!doctype html><title>Skylift</title>');
  const distDir = builtDir ?? placeholderDir!;
  const config = loadConfig(env);
  const logs: string[] = [];
  const { app } = await createSkyliftServer({
    config,
    distDir,
    emulatorUrl,
    log: (line) => logs.push(line),
  });
  await app.listen({ host: '127.0.0.1', port: listenPort });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    config,
    credentialsUrl: `http://127.0.0.1:${port}/api/credentials`,
    origins: appOrigins('127.0.0.1', port),
    logs,
    close: async () => {
      await app.close();
      if (placeholderDir) rmSync(placeholderDir, { recursive: true, force: true });
    },
  };
}
