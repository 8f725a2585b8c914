// `npm start`: one process that builds the app if needed, starts the OSS emulator (unless
// OSS_ENDPOINT points at real OSS) and the app server, prints the URL, and stops both on Ctrl-C.
import { resolve } from 'node:path';
import { createAppServer } from './app/app-server.ts';
import { ensureBuild } from './app/ensure-build.ts';
import { ConfigError, loadConfig, type SkyliftConfig } from './config/config.ts';
import { DataDirLockedError } from './emulator/persistence/data-dir-locked-error.ts';
import { tokenServiceOptions } from './token-service/from-config.ts';
import { tokenService } from './token-service/token-service.ts';

const rootDir = resolve(import.meta.dirname, '..');
const distDir = resolve(rootDir, 'dist');

function describeTokenAccess(config: SkyliftConfig): string {
  const { access } = config.token;
  if (access.kind === 'loopback') return 'this machine only (TOKEN_ACCESS=loopback)';
  if (access.kind === 'bearer') return 'clients with the bearer secret (TOKEN_ACCESS=bearer)';
  return `users named by ${access.header} from ${access.trustedProxies.join(', ')} (TOKEN_ACCESS=proxy-header)`;
}

async function main(config: SkyliftConfig) {
  if (await ensureBuild(rootDir, distDir)) console.log('Built the app into dist/');

  const closers: (() => Promise<unknown>)[] = [];
  let emulatorUrl: string | undefined;
  if (config.emulator) {
    // Loaded only in emulator mode: a deployment against real OSS never runs emulator code.
    const { startEmulator } = await import('./emulator/server.ts');
    const emulator = await startEmulator({
      host: config.emulator.host,
      port: config.emulator.port,
      dataDir: resolve(config.emulator.dataDir),
      defaultBucket: config.oss.bucket,
      createBuckets: [config.oss.bucket],
      accessKeyId: config.oss.accessKeyId,
      accessKeySecret: config.oss.accessKeySecret,
      // Lets OSS_STS_DURATION_SECONDS go below real STS's 900 s minimum, to watch tokens expire.
      stsMinDurationSeconds: Math.min(900, config.token.durationSeconds),
      // The app's own page, and no other, may use the bucket from a browser (README, "Security model").
      corsOrigins: config.emulator.corsOrigins,
      allowedHosts: config.emulator.allowedHosts,
      callbackAllowedNetworks: config.emulator.callbackAllowedNetworks,
    });
    emulatorUrl = emulator.url;
    closers.push(() => emulator.close());
    console.log(
      `OSS emulator: ${emulator.url} (bucket ${config.oss.bucket}, data in ${config.emulator.dataDir}, ` +
        `web pages allowed: ${config.emulator.corsOrigins.join(' ')})`,
    );
  } else {
    console.log(`OSS: ${config.oss.endpoint} (bucket ${config.oss.bucket})`);
  }

  const credentials = tokenService(tokenServiceOptions(config, emulatorUrl));
  const app = await createAppServer({
    distDir,
    api: async (scope) => {
      await scope.register(credentials);
    },
  });
  await app.listen({ host: config.host, port: config.port });
  closers.unshift(() => app.close());
  console.log(`Skylift is running: open http://${config.host}:${config.port}/`);
  console.log(
    `Upload tokens: ${describeTokenAccess(config)}, ${config.token.durationSeconds} s, ${config.oss.bucket}/${config.token.prefix}*`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const close of closers) await close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

try {
  await main(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof DataDirLockedError) {
    // Usually a second `npm start`, or `npm run emulator`, on the same DATA_DIR.
    console.error(`${error.message} (DATA_DIR).`);
    process.exit(2);
  }
  const { code, port } = error as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    // Usually a second `npm start`; say which port and how to pick another.
    console.error(`Port ${port} is already in use: stop what uses it, or set PORT / OSS_EMULATOR_PORT.`);
    process.exit(2);
  }
  throw error;
}
