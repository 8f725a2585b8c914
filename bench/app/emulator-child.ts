// The app suite's emulator process: `npm run emulator` (server/emulator/main.ts) plus the traffic
// recorder. Same arguments and ready line as main.ts, so bench/emulator/emulator-process.ts starts it.
// A process of its own, so its CPU time is read apart from the browser's and the benchmark's.

import { parseArgs } from 'node:util';
import { startEmulator } from '../../server/emulator/server.ts';
import { createTrafficRecorder } from './traffic-recorder.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    bucket: { type: 'string' },
  },
  strict: true,
});
if (!values.data || !values.bucket) throw new Error('--data and --bucket are required');

const emulator = await startEmulator({
  host: '127.0.0.1',
  port: Number(values.port),
  dataDir: values.data,
  defaultBucket: values.bucket,
  createBuckets: [values.bucket],
  ...createTrafficRecorder(),
});
console.log(`OSS emulator listening on ${emulator.url} (bucket ${values.bucket})`);

process.once('SIGTERM', () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
