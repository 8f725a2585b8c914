// `npm run emulator -- --port 9000 --data ./.data --host 127.0.0.1 --bucket skylift-dev
//   --access-key-id X --access-key-secret Y [--callback-timeout-ms 5000]
//   [--cors-origin http://localhost:8080 ...] [--allowed-host NAME ...] [--callback-allow 127.0.0.1 ...]
//   [--sts-min-duration-seconds 1] [--request-log requests.jsonl]
//   [--fault-error-rate 0.05 --fault-error-status 503 --fault-reset-rate 0.02 --fault-latency-ms 50
//    --fault-bandwidth 10000000 --fault-ops UploadPart,PutObject --fault-seed 42 --fault-drop-next 1
//    --fault-lose-answer-rate 0.05 --fault-lose-answer-next 1]`
// The --fault-* flags set the initial faults (see faults/fault-config.ts); PUT /-/admin/faults changes
// them while it runs. Prints one line when ready, so scripts (and Playwright's webServer) can wait for it.

import { parseArgs } from 'node:util';
import { EMULATOR_DEFAULTS } from '../config/emulator-defaults.ts';
import { normaliseHostName } from '../net/addresses.ts';
import { networkList } from '../net/network-list.ts';
import { checkOriginPattern } from '../net/origin-pattern.ts';
import { type FaultConfig, FaultConfigError, parseFaultConfig } from './faults/fault-config.ts';
import { createRequestLog } from './faults/request-log.ts';
import { DataDirLockedError, startEmulator } from './server.ts';

const USAGE = `Usage: npm run emulator -- [--port ${EMULATOR_DEFAULTS.port}] [--data ${EMULATOR_DEFAULTS.dataDir}] [--host ${EMULATOR_DEFAULTS.host}]
  [--bucket ${EMULATOR_DEFAULTS.bucket}] [--access-key-id ID] [--access-key-secret SECRET] [--callback-timeout-ms 5000]
  [--cors-origin ORIGIN]... (default ${EMULATOR_DEFAULTS.corsOrigins.join(' and ')}; * allows every web page)
  [--allowed-host NAME]... (host names besides localhost and loopback IPs that requests may address)
  [--callback-allow IP_OR_CIDR]... (loopback/private networks upload callbacks may call; none by default)
  [--sts-min-duration-seconds N] (shortest STS token it issues; default 900 as real STS, 1 to watch tokens expire)
  [--request-log FILE] (appends one JSON line per OSS request: operation, key, uploadId, partNumber, status, bytes, times)
  [--fault-error-rate 0..1] [--fault-error-status 500|503] [--fault-reset-rate 0..1] [--fault-latency-ms N]
  [--fault-bandwidth BYTES_PER_SECOND] [--fault-ops UploadPart,PutObject] [--fault-seed N] [--fault-drop-next N]
  [--fault-lose-answer-rate 0..1] [--fault-lose-answer-next N]
Faults hit the --fault-ops operations (default UploadPart; * for all), in this order: drop-next closes the
connection unread; latency-ms delays; error-rate answers 500/503 without running; reset-rate cuts the
connection mid-body, nothing stored; lose-answer-next / lose-answer-rate run the request to its end
(committed, callback delivered) and then cut the connection instead of answering; bandwidth caps bodies.
One emulator per --data directory: a second one exits with code 2.
Root credentials default to the well-known emulator keys (README, "The OSS emulator").`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const OPTIONS = {
  port: { type: 'string', default: String(EMULATOR_DEFAULTS.port) },
  data: { type: 'string', default: EMULATOR_DEFAULTS.dataDir },
  host: { type: 'string', default: EMULATOR_DEFAULTS.host },
  bucket: { type: 'string', default: EMULATOR_DEFAULTS.bucket },
  'access-key-id': { type: 'string', default: EMULATOR_DEFAULTS.accessKeyId },
  'access-key-secret': { type: 'string', default: EMULATOR_DEFAULTS.accessKeySecret },
  'callback-timeout-ms': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  'allowed-host': { type: 'string', multiple: true },
  'callback-allow': { type: 'string', multiple: true },
  'sts-min-duration-seconds': { type: 'string' },
  'request-log': { type: 'string' },
  'fault-error-rate': { type: 'string' },
  'fault-error-status': { type: 'string' },
  'fault-reset-rate': { type: 'string' },
  'fault-latency-ms': { type: 'string' },
  'fault-bandwidth': { type: 'string' },
  'fault-ops': { type: 'string' },
  'fault-seed': { type: 'string' },
  'fault-drop-next': { type: 'string' },
  'fault-lose-answer-rate': { type: 'string' },
  'fault-lose-answer-next': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    // An unknown or malformed flag: one line saying which, then how to call it — no stack trace.
    fail(`${(error as Error).message}\n${USAGE}`);
  }
}

const values = parseFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** Each value of a repeatable flag, checked by `check` (which throws an Error saying what is wrong). */
function listFlag(
  name: 'cors-origin' | 'allowed-host' | 'callback-allow',
  check: (value: string) => unknown,
  fallback: readonly string[] = [],
): string[] {
  const list = values[name] ?? [...fallback];
  for (const value of list) {
    try {
      check(value);
    } catch (error) {
      fail(`Invalid --${name}: ${(error as Error).message}`);
    }
  }
  return list;
}

/** A numeric flag, or undefined when absent; parseFaultConfig checks the ranges. */
function numberFlag(name: keyof typeof values): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === '' || Number.isNaN(value)) fail(`Invalid --${name} ${raw}`);
  return value;
}

let faults: FaultConfig;
try {
  faults = parseFaultConfig({
    errorRate: numberFlag('fault-error-rate'),
    errorStatus: numberFlag('fault-error-status'),
    resetRate: numberFlag('fault-reset-rate'),
    latencyMs: numberFlag('fault-latency-ms'),
    bandwidthBytesPerSecond: numberFlag('fault-bandwidth'),
    operations: values['fault-ops'],
    seed: numberFlag('fault-seed'),
    dropNext: numberFlag('fault-drop-next'),
    loseAnswerRate: numberFlag('fault-lose-answer-rate'),
    loseAnswerNext: numberFlag('fault-lose-answer-next'),
  });
} catch (error) {
  if (!(error instanceof FaultConfigError)) throw error;
  fail(`Invalid --fault-* flags: ${error.message}`);
}
const callbackTimeoutMs = numberFlag('callback-timeout-ms');
const stsMinDurationSeconds = numberFlag('sts-min-duration-seconds');
if (
  stsMinDurationSeconds !== undefined &&
  !(Number.isInteger(stsMinDurationSeconds) && stsMinDurationSeconds >= 1)
) {
  fail(
    `Invalid --sts-min-duration-seconds ${values['sts-min-duration-seconds']}: a whole number of seconds, at least 1`,
  );
}
const corsOrigins = listFlag('cors-origin', checkOriginPattern, EMULATOR_DEFAULTS.corsOrigins);
const allowedHosts = listFlag('allowed-host', normaliseHostName);
const callbackAllowedNetworks = listFlag('callback-allow', (entry) => networkList([entry]));

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Invalid --port ${values.port}`);

const requestLog = values['request-log'] ? createRequestLog(values['request-log']) : undefined;
const emulator = await startEmulator({
  host: values.host,
  port,
  dataDir: values.data,
  defaultBucket: values.bucket,
  createBuckets: [values.bucket],
  accessKeyId: values['access-key-id'],
  accessKeySecret: values['access-key-secret'],
  faults,
  callbackTimeoutMs,
  corsOrigins,
  allowedHosts,
  callbackAllowedNetworks,
  stsMinDurationSeconds,
  faultInjector: requestLog?.faultInjector,
}).catch((error: unknown) => {
  if (error instanceof DataDirLockedError) fail(`${error.message} (--data).`);
  throw error;
});
const faultNote = Object.keys(faults).length > 0 ? `, faults ${JSON.stringify(faults)}` : '';
console.log(`OSS emulator listening on ${emulator.url} (bucket ${values.bucket}${faultNote})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => {
        requestLog?.close();
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
