// `npm start`: one process that builds the app if needed, starts the OSS emulator (unless
// OSS_ENDPOINT points at real OSS) and the app server, prints the URL, and stops both on Ctrl-C.
// For deployments, `npm run build` then `npm run start:prod` (server/serve.ts) runs compiled code only.
import { resolve } from 'node:path';
import { ensureBuild } from './app/ensure-build.ts';
import { runServer, startFailure } from './app/run-server.ts';
import { ConfigError, loadConfig, type SkyliftConfig } from './config/config.ts';

const rootDir = resolve(import.meta.dirname, '..');
const distDir = resolve(rootDir, 'dist');

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
  await runServer({ config, distDir, emulatorUrl, closers });
}

try {
  await main(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  const failure = startFailure(error);
  if (failure === undefined) throw error;
  console.error(failure);
  process.exit(2);
}
