// Runs the app server as a process: listens, says where, and on SIGINT/SIGTERM drains (the health
// check answers 503 for DRAIN_SECONDS), finishes requests in flight and closes what was opened
// (the emulator, in emulator mode). Shared by `npm start` and the production start.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SkyliftConfig } from '../config/config.ts';
import { DataDirLockedError } from '../emulator/persistence/data-dir-locked-error.ts';
import { createSkyliftServer } from './skylift-server.ts';

export interface RunOptions {
  config: SkyliftConfig;
  distDir: string;
  emulatorUrl?: string;
  /** Closed after the app server, in order (e.g. the emulator). */
  closers?: (() => Promise<unknown>)[];
}

function describeTokenAccess(config: SkyliftConfig): string {
  const { access } = config.token;
  switch (access.kind) {
    case 'loopback':
      return 'this machine only (TOKEN_ACCESS=loopback)';
    case 'bearer':
      return 'clients with the bearer secret (TOKEN_ACCESS=bearer)';
    case 'proxy-header':
      return `users named by ${access.header} from ${access.trustedProxies.join(', ')} (TOKEN_ACCESS=proxy-header)`;
    case 'oidc':
      return `users signed in at ${access.oidc.issuer} (TOKEN_ACCESS=oidc)`;
  }
}

export async function runServer(options: RunOptions): Promise<void> {
  const { config } = options;
  const server = await createSkyliftServer(options);
  await server.app.listen({ host: config.host, port: config.port });
  const url = config.publicUrl ? `${config.publicUrl}/` : `http://${config.host}:${config.port}/`;
  console.log(`Skylift is running: open ${url}`);
  const perUser = config.token.access.kind === 'oidc' || config.token.access.kind === 'proxy-header';
  console.log(
    `Upload tokens: ${describeTokenAccess(config)}, ${config.token.durationSeconds} s, ` +
      `${config.oss.bucket}/${config.token.prefix}${perUser ? '<user>/' : ''}*`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.markStopping();
    if (config.drainSeconds > 0) await sleep(config.drainSeconds * 1000);
    await server.app.close();
    for (const close of options.closers ?? []) await close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** What went wrong at start-up, in one line, for the errors people cause; undefined for the rest. */
export function startFailure(error: unknown): string | undefined {
  if (error instanceof DataDirLockedError) {
    // Usually a second `npm start`, or `npm run emulator`, on the same DATA_DIR.
    return `${error.message} (DATA_DIR).`;
  }
  const { code, port } = error as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    // Usually a second start; say which port and how to pick another.
    return `Port ${port} is already in use: stop what uses it, or set PORT / OSS_EMULATOR_PORT.`;
  }
  return undefined;
}
