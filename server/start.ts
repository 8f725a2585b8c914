// `npm start`: one process that builds the app if needed, starts the OSS emulator (unless
// OSS_ENDPOINT points at real OSS) and the app server, prints the URL, and stops both on Ctrl-C.
import { resolve } from 'node:path';
import { createAppServer } from './app/app-server.ts';
import { ensureBuild } from './app/ensure-build.ts';
import { ConfigError, loadConfig, type SkyliftConfig } from './config/config.ts';

const rootDir = resolve(import.meta.dirname, '..');
const distDir = resolve(rootDir, 'dist');

async function main(config: SkyliftConfig) {
  if (await ensureBuild(rootDir, distDir)) console.log('Built the app into dist/');

  const closers: (() => Promise<unknown>)[] = [];
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
    });
    closers.push(() => emulator.close());
    console.log(`OSS emulator: ${emulator.url} (bucket ${config.oss.bucket}, data in ${config.emulator.dataDir})`);
  } else {
    console.log(`OSS: ${config.oss.endpoint} (bucket ${config.oss.bucket})`);
  }

  const app = await createAppServer({ distDir });
  await app.listen({ host: config.host, port: config.port });
  closers.unshift(() => app.close());
  console.log(`Skylift is running: open http://${config.host}:${config.port}/`);

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
  throw error;
}
