// `npm run emulator -- --port 9000 --data ./.data --host 127.0.0.1 --bucket skylift-dev
//   --access-key-id X --access-key-secret Y`
// Prints one line when ready, so scripts (and Playwright's webServer) can wait for it.

import { parseArgs } from 'node:util';
import { EMULATOR_DEFAULTS } from '../config/emulator-defaults.ts';
import { startEmulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(EMULATOR_DEFAULTS.port) },
    data: { type: 'string', default: EMULATOR_DEFAULTS.dataDir },
    host: { type: 'string', default: EMULATOR_DEFAULTS.host },
    bucket: { type: 'string', default: EMULATOR_DEFAULTS.bucket },
    'access-key-id': { type: 'string', default: EMULATOR_DEFAULTS.accessKeyId },
    'access-key-secret': { type: 'string', default: EMULATOR_DEFAULTS.accessKeySecret },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}`);
  process.exit(2);
}

const emulator = await startEmulator({
  host: values.host,
  port,
  dataDir: values.data,
  defaultBucket: values.bucket,
  createBuckets: [values.bucket],
  accessKeyId: values['access-key-id'],
  accessKeySecret: values['access-key-secret'],
});
console.log(`OSS emulator listening on ${emulator.url} (bucket ${values.bucket})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
