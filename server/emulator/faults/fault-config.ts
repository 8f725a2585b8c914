// What to break, how often: the one shape shared by startEmulator({faults}), the CLI flags and
// PUT /-/admin/faults. Parsed strictly, so a typo in a test's config fails loudly instead of testing nothing.

import { OPERATIONS, type OperationName } from '../routing/operations.ts';

export interface FaultConfig {
  /** Operations the faults hit: names as in routing/operations.ts, or `*` for all. Default UploadPart. */
  operations?: (OperationName | '*')[];
  /** Fraction (0..1) of requests answered with `errorStatus` instead of running. */
  errorRate?: number;
  /** 500 InternalError or 503 SlowDown (default). */
  errorStatus?: 500 | 503;
  /** Fraction (0..1) of requests whose connection is cut after half of the body was read. */
  resetRate?: number;
  /** Delay before each request is processed. */
  latencyMs?: number;
  /** Cap on the request-body bytes per second, shared by all connections. */
  bandwidthBytesPerSecond?: number;
  /** The next N requests have their connection closed before anything is read or answered. */
  dropNext?: number;
  /**
   * Fraction (0..1) of requests that run to the end (committed, upload callback delivered) and then have
   * their connection cut instead of answered: applied, but the client never hears of it.
   */
  loseAnswerRate?: number;
  /** The next N requests (of those not refused or reset by the other faults) lose their answer likewise. */
  loseAnswerNext?: number;
  /** Seeds the error/reset/lost-answer dice, so a test sees the same sequence every run. */
  seed?: number;
}

export class FaultConfigError extends Error {}

export const DEFAULT_FAULT_OPERATIONS: readonly OperationName[] = ['UploadPart'];
const OPERATION_NAMES = new Set<string>(OPERATIONS.map((op) => op.name));
const KEYS = new Set<string>([
  'operations',
  'errorRate',
  'errorStatus',
  'resetRate',
  'latencyMs',
  'bandwidthBytesPerSecond',
  'dropNext',
  'loseAnswerRate',
  'loseAnswerNext',
  'seed',
]);

function fraction(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new FaultConfigError(`${name} must be a number from 0 to 1`);
  }
  return value;
}

function count(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new FaultConfigError(`${name} must be an integer >= ${min}`);
  }
  return value;
}

function operationList(value: unknown): FaultConfig['operations'] {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new FaultConfigError('operations must be a non-empty list of operation names or "*"');
  }
  return list.map((entry) => {
    const name = typeof entry === 'string' ? entry.trim() : '';
    if (name !== '*' && !OPERATION_NAMES.has(name)) {
      throw new FaultConfigError(
        `unknown operation ${JSON.stringify(entry)}; one of * ${[...OPERATION_NAMES].join(' ')}`,
      );
    }
    return name as OperationName | '*';
  });
}

/** Checks an untrusted config (admin JSON, CLI) and drops absent fields; `{}` means no faults. */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultConfigError('the fault config must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) throw new FaultConfigError(`unknown fault setting(s): ${unknown.join(', ')}`);
  if (raw.errorStatus !== undefined && raw.errorStatus !== 500 && raw.errorStatus !== 503) {
    throw new FaultConfigError('errorStatus must be 500 or 503');
  }
  const config: FaultConfig = {
    operations: operationList(raw.operations),
    errorRate: fraction(raw.errorRate, 'errorRate'),
    errorStatus: raw.errorStatus as FaultConfig['errorStatus'],
    resetRate: fraction(raw.resetRate, 'resetRate'),
    latencyMs: count(raw.latencyMs, 'latencyMs'),
    bandwidthBytesPerSecond: count(raw.bandwidthBytesPerSecond, 'bandwidthBytesPerSecond', 1),
    dropNext: count(raw.dropNext, 'dropNext'),
    loseAnswerRate: fraction(raw.loseAnswerRate, 'loseAnswerRate'),
    loseAnswerNext: count(raw.loseAnswerNext, 'loseAnswerNext'),
    seed: count(raw.seed, 'seed'),
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as FaultConfig;
}
