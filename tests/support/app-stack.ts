// Test support: the emulator as the product meets it (with 1-second STS tokens allowed) and the real app server with the
// token service, both on free ports, wired exactly as server/start.ts wires them. The emulator keeps the
// product's security defaults; a stack whose pages use it passes the app's `origins` to setCorsOrigins.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createSkyliftServer } from '../../server/app/skylift-server.ts';
import { appOrigins, loadConfig, type SkyliftConfig } from '../../server/config/config.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';
import type { EmulatorOptions } from '../../server/emulator/server.ts';
import { startTestEmulator, type TestEmulator } from './emulator.ts';

/** A second bucket the tokens must not reach. */
export const OTHER_BUCKET = 'someone-elses';

/**
 * The emulator as the product meets it: the real authenticator with the emulator's root keys (tokens
 * come from its STS, 1-second lifetimes allowed), the default bucket plus OTHER_BUCKET, and the product's
 * CORS default — a stack whose pages use it passes the app's `origins` to setCorsOrigins. `extra` adds to
 * (or overrides) the options, e.g. `faults`, `faultInjector`, a fixed `port`.
 */
export function startProductEmulator(extra: EmulatorOptions = {}): Promise<TestEmulator> {
  return startTestEmulator({
    authenticator: undefined,
    corsOrigins: undefined,
    defaultBucket: EMULATOR_DEFAULTS.bucket,
    createBuckets: [EMULATOR_DEFAULTS.bucket, OTHER_BUCKET],
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
    stsMinDurationSeconds: 1,
    ...extra,
  });
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
export type { TestEmulator } from './emulator.ts';
