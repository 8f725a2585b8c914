// A chaos run as data: the files (sizes, upload options), the token lifetime, and the steps with the
// waits between them, all drawn from the run's seed. Generating is pure, so printing a seed is enough
// to replay a run step for step. Steps name files by index, never by live state, so the same seed
// issues the same commands whatever the browser made of the earlier ones (a pause of a file that is
// already done is refused by the worker, and that is part of the run).

import type { UploadCommand } from '../lib/protocol/messages.ts';
import { MULTIPART_THRESHOLD } from '../lib/upload-plan/part-plan.ts';
import type { FaultConfig } from '../server/emulator/faults/fault-config.ts';
import type { OperationName } from '../server/emulator/routing/operations.ts';
import { Dice } from './dice.ts';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const MB = 1_000_000;

export interface ScenarioOptions {
  /** Largest file a run may have. */
  maxFileBytes: number;
  /** Sum of a run's files at most: what sits on disk at once (plus its copies in the browser and OSS). */
  maxRunBytes: number;
  /** Steps per run. */
  steps: number;
}

export interface FileSpec {
  index: number;
  /** File name on disk and at the end of the object key. */
  name: string;
  size: number;
  /** Upload options beyond the key; absent fields take the app's defaults. */
  partSize?: number;
  parallel?: number;
}

export type Action =
  | { kind: 'enqueue'; files: number[] }
  | { kind: 'offline' }
  | { kind: 'online' }
  | { kind: 'close-page' }
  | { kind: 'open-page' }
  | { kind: 'stop-workers' }
  | { kind: 'kill-browser' }
  | { kind: 'relaunch-browser' }
  | { kind: 'kill-emulator' }
  | { kind: 'restart-emulator' }
  | { kind: 'faults'; config: FaultConfig }
  | { kind: 'clear-faults' }
  | { kind: 'command'; file: number; command: UploadCommand };

export interface Step {
  /** 1-based, as logged and reported. */
  index: number;
  /** Seeded wait before the step. */
  waitMs: number;
  action: Action;
}

export interface Scenario {
  seed: number;
  /** OSS_STS_DURATION_SECONDS for the token service: short ones expire mid-upload. */
  stsDurationSeconds: number;
  /**
   * The emulator's faults when none are on: the run's link speed, if it has one, so uploads last
   * long enough for the steps to hit them mid-way. Every fault config of the run keeps it too.
   */
  baseline: FaultConfig;
  files: FileSpec[];
  steps: Step[];
}

/** Part sizes besides the default: small ones give many parts, so a fault lands mid-upload. */
const PART_SIZES = [MULTIPART_THRESHOLD, 1 * MiB, 2 * MiB, 5 * MiB, 16 * MiB];

function fileSize(dice: Dice, maxBytes: number): number {
  const multipartMax = Math.min(maxBytes, 40 * MB);
  const band = dice.weighted([
    ['empty', 1],
    ['tiny', 1.5],
    ['put', 2],
    ['multipart', 3.5],
    ['large', maxBytes > 40 * MB ? 2 : 0],
  ] as const);
  switch (band) {
    case 'empty':
      return 0;
    case 'tiny':
      return dice.logInt(1, 4 * KiB);
    case 'put':
      return dice.logInt(4 * KiB, MULTIPART_THRESHOLD - 1);
    case 'multipart':
      return dice.logInt(MULTIPART_THRESHOLD, Math.max(MULTIPART_THRESHOLD, multipartMax));
    case 'large':
      return dice.int(40 * MB, maxBytes);
  }
}

function files(dice: Dice, options: ScenarioOptions): FileSpec[] {
  const count = dice.int(2, 6);
  const specs: FileSpec[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    const size = Math.min(fileSize(dice, options.maxFileBytes), options.maxRunBytes - total);
    total += size;
    const spec: FileSpec = { index, name: `f${index}-${size}.bin`, size };
    if (size >= MULTIPART_THRESHOLD && dice.chance(0.5)) spec.partSize = dice.pick(PART_SIZES);
    if (dice.chance(0.5)) spec.parallel = dice.int(1, 8);
    specs.push(spec);
  }
  return specs;
}

/** Operations a fault may hit: every one the engine sends, weighted towards the ones that carry bytes. */
const FAULT_OPERATIONS: readonly (readonly [OperationName, number])[] = [
  ['UploadPart', 0.9],
  ['PutObject', 0.6],
  ['InitiateMultipartUpload', 0.45],
  ['CompleteMultipartUpload', 0.45],
  ['ListParts', 0.3],
  ['ListMultipartUploads', 0.25],
  ['AbortMultipartUpload', 0.3],
];

/** The operations that carry file bytes: where a link speed applies. */
const BODY_OPERATIONS: OperationName[] = ['UploadPart', 'PutObject'];

/** No link speed (a quarter of the runs), or one between 3 and 40 MB/s. */
function baseline(dice: Dice): FaultConfig {
  if (dice.chance(0.25)) return {};
  return { operations: BODY_OPERATIONS, bandwidthBytesPerSecond: dice.logInt(3 * MB, 40 * MB) };
}

/**
 * 5xx/SlowDown, resets, latency, a bandwidth cap, answers lost after the request was applied, on top
 * of the run's `base` link speed (a config has one operation list, so the body operations join it).
 */
export function faultConfig(dice: Dice, base: FaultConfig = {}): FaultConfig {
  const chosen = FAULT_OPERATIONS.filter(([, p]) => dice.chance(p)).map(([name]) => name);
  const operations = [...new Set([...chosen, ...(base.operations ?? [])])];
  const config: FaultConfig = {
    operations: operations.length > 0 ? operations : ['UploadPart'],
    ...(base.bandwidthBytesPerSecond ? { bandwidthBytesPerSecond: base.bandwidthBytesPerSecond } : {}),
  };
  if (dice.chance(0.5)) {
    config.errorRate = Number(dice.between(0.02, 0.3).toFixed(3));
    config.errorStatus = dice.pick([500, 503] as const);
  }
  if (dice.chance(0.4)) config.resetRate = Number(dice.between(0.02, 0.2).toFixed(3));
  if (dice.chance(0.3)) config.latencyMs = dice.int(20, 400);
  if (dice.chance(0.4)) {
    // A slower stretch of the link (never a faster one).
    const cap = dice.int(1 * MB, 15 * MB);
    config.bandwidthBytesPerSecond = Math.min(cap, config.bandwidthBytesPerSecond ?? cap);
  }
  if (dice.chance(0.5)) config.loseAnswerRate = Number(dice.between(0.05, 0.35).toFixed(3));
  if (dice.chance(0.3)) config.loseAnswerNext = dice.int(1, 2);
  config.seed = dice.seed();
  return config;
}

/** What the generator believes the world looks like, so it picks steps that make sense in order. */
interface Model {
  browserUp: boolean;
  pageOpen: boolean;
  offline: boolean;
  emulatorUp: boolean;
  faultsOn: boolean;
  enqueued: number[];
  paused: Set<number>;
}

function waitMs(dice: Dice): number {
  // Mostly a few seconds; now and then long enough for uploads to get far, or none at all.
  return dice.weighted([
    [dice.int(0, 400), 1],
    [dice.int(400, 4000), 5],
    [dice.int(4000, 12_000), 1.5],
  ]);
}

function command(dice: Dice, model: Model): Action | undefined {
  if (model.enqueued.length === 0) return undefined;
  if (model.paused.size > 0 && dice.chance(0.6)) {
    const file = dice.pick([...model.paused]);
    model.paused.delete(file);
    return { kind: 'command', file, command: 'resume' };
  }
  const file = dice.pick(model.enqueued);
  const name = dice.weighted([
    ['pause', 3],
    ['resume', 1],
    ['retry', 1.5],
    ['abort', 1],
  ] as const);
  if (name === 'pause') model.paused.add(file);
  if (name === 'resume' || name === 'abort' || name === 'retry') model.paused.delete(file);
  return { kind: 'command', file, command: name };
}

/** The next step that is not an enqueue, chosen by weights that depend on the model. */
function chaosAction(dice: Dice, model: Model, base: FaultConfig): Action {
  const candidates: [() => Action | undefined, number][] = [
    [() => ({ kind: 'kill-browser' }), model.browserUp ? 0.8 : 0],
    [() => ({ kind: 'relaunch-browser' }), model.browserUp ? 0 : 5],
    [() => ({ kind: 'close-page' }), model.browserUp && model.pageOpen ? 1 : 0],
    [() => ({ kind: 'open-page' }), model.browserUp && !model.pageOpen ? 3 : 0],
    [() => ({ kind: 'stop-workers' }), model.browserUp ? 1.2 : 0],
    [() => ({ kind: 'offline' }), model.browserUp && !model.offline ? 1 : 0],
    [() => ({ kind: 'online' }), model.offline ? 3 : 0],
    [() => ({ kind: 'kill-emulator' }), model.emulatorUp ? 0.8 : 0],
    [() => ({ kind: 'restart-emulator' }), model.emulatorUp ? 0 : 5],
    [() => ({ kind: 'faults', config: faultConfig(dice, base) }), 2],
    [() => ({ kind: 'clear-faults' }), model.faultsOn ? 1 : 0],
    [() => command(dice, model), model.enqueued.length > 0 ? 2.5 : 0],
  ];
  for (;;) {
    const action = dice.weighted(candidates)();
    if (action) return action;
  }
}

/** Keeps the model in step with an action, including what the world does implicitly (see world.ts). */
function apply(model: Model, action: Action): void {
  switch (action.kind) {
    case 'kill-browser':
      model.browserUp = false;
      model.pageOpen = false;
      model.offline = false;
      break;
    case 'relaunch-browser':
      model.browserUp = true;
      model.pageOpen = true;
      break;
    case 'close-page':
      model.pageOpen = false;
      break;
    case 'open-page':
      model.pageOpen = true;
      break;
    case 'offline':
      model.offline = true;
      break;
    case 'online':
      model.offline = false;
      break;
    case 'kill-emulator':
      model.emulatorUp = false;
      break;
    case 'restart-emulator':
      model.emulatorUp = true;
      break;
    case 'faults':
      model.faultsOn = true;
      break;
    case 'clear-faults':
      model.faultsOn = false;
      break;
    case 'enqueue':
      model.enqueued.push(...action.files);
      model.browserUp = true;
      model.pageOpen = true;
      break;
    case 'command':
      // A person opens the app to click.
      model.browserUp = true;
      model.pageOpen = true;
      break;
    case 'stop-workers':
      break;
  }
}

/**
 * Files are handed over in one to three batches, the first at step 1 (after, now and then, a fault
 * that is already on) and the others within the first two thirds of the run.
 */
function enqueueSteps(dice: Dice, fileCount: number, stepCount: number): Map<number, number[]> {
  const order = Array.from({ length: fileCount }, (_, i) => i);
  const batches = Math.min(fileCount, dice.int(1, 3));
  const at = new Map<number, number[]>();
  const first = dice.chance(0.3) ? 2 : 1;
  const latest = Math.max(first + 1, Math.floor((stepCount * 2) / 3));
  const positions = [first];
  while (positions.length < batches) {
    const position = dice.int(first + 1, latest);
    if (!positions.includes(position)) positions.push(position);
  }
  positions.sort((a, b) => a - b);
  const perBatch = Math.ceil(fileCount / batches);
  positions.forEach((position, batch) => {
    const files = order.slice(batch * perBatch, (batch + 1) * perBatch);
    if (files.length > 0) at.set(position, files);
  });
  return at;
}

export function generateScenario(seed: number, options: ScenarioOptions): Scenario {
  const dice = new Dice(seed);
  const stsDurationSeconds = dice.weighted([
    [3600, 3],
    [30, 1],
    [10, 1],
    [5, 1],
  ] as const);
  const base = baseline(dice);
  const fileSpecs = files(dice, options);
  const stepCount = Math.max(options.steps, 2);
  const enqueueAt = enqueueSteps(dice, fileSpecs.length, stepCount);
  const model: Model = {
    browserUp: true,
    pageOpen: true,
    offline: false,
    emulatorUp: true,
    faultsOn: false,
    enqueued: [],
    paused: new Set(),
  };
  const steps: Step[] = [];
  for (let index = 1; index <= stepCount; index++) {
    const batch = enqueueAt.get(index);
    const action: Action = batch
      ? { kind: 'enqueue', files: batch }
      : index === 1
        ? { kind: 'faults', config: faultConfig(dice, base) }
        : chaosAction(dice, model, base);
    apply(model, action);
    steps.push({ index, waitMs: index === 1 ? 0 : waitMs(dice), action });
  }
  return { seed, stsDurationSeconds, baseline: base, files: fileSpecs, steps };
}

/** One line per step for the log, e.g. `faults UploadPart,PutObject error 0.12/503 lose 0.2`. */
export function describeAction(action: Action, files: readonly FileSpec[]): string {
  switch (action.kind) {
    case 'enqueue':
      return `enqueue ${action.files.map((i) => `f${i} (${files[i]!.size} B)`).join(', ')}`;
    case 'command':
      return `${action.command} f${action.file}`;
    case 'faults':
      return `faults ${JSON.stringify(action.config)}`;
    default:
      return action.kind;
  }
}
