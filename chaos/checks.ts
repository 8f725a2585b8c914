// What a settled run must show, judged against what OSS holds (root keys, oss-view.ts), what the
// browser keeps (IndexedDB, browser-records.ts) and every request the emulator received (its request
// log). Each file ends in exactly one outcome; problems beyond a single file (orphan multipart uploads,
// re-sent parts, records left behind) are listed on their own.

import { readFile } from 'node:fs/promises';
import type { UploadProblem } from '../lib/protocol/messages.ts';
import { clampParallel, planParts } from '../lib/upload-plan/part-plan.ts';
import { parseRequestLog, type RequestLogLine } from '../server/emulator/faults/request-log.ts';
import type { BrowserRecords } from './browser-records.ts';
import type { OssView } from './oss-view.ts';
import { UNSETTLED_STATES } from './settle.ts';
import type { RunState } from './steps.ts';

/** Outcomes that are fine; every other one is a finding. */
export const GOOD_OUTCOMES = ['completed', 'stopped', 'aborted', 'refused'] as const;
export const BAD_OUTCOMES = [
  /** Reported done, but OSS has no such object, or the worker forgot the upload. */
  'lost',
  /** OSS holds an object that differs from the file (size, MD5, CRC64), or a done record says so. */
  'corrupt',
  /** Still active or paused after the bound. */
  'stuck',
  /** Stopped without a message a person can act on (none, a stack trace, an unexpected failure). */
  'unexplained',
  /** Aborted, but an object was written or a multipart upload of its key is left. */
  'aborted-unclean',
  /** Stopped as failed while OSS holds the whole, correct object: a good upload ending failed. */
  'stored-but-failed',
] as const;
export type Outcome = (typeof GOOD_OUTCOMES)[number] | (typeof BAD_OUTCOMES)[number];

export interface FileResult {
  index: number;
  key: string;
  size: number;
  outcome: Outcome;
  /** The stop's code (failed, needs-file) or the refusal. */
  code?: string;
  detail?: string;
  /** Bytes of parts sent again after OSS had acknowledged them (answered 200). */
  resentBytes: number;
  /** Bytes of parts sent again after OSS had applied them with the answer lost (see Resent). */
  resentAfterLostAnswer: number;
  /** parallel × part size: what a crash with every part in flight may cost at most. */
  resendLimit: number;
}

export interface Orphan {
  key: string;
  uploadId: string;
  parts: number;
}

export interface RunFindings {
  files: FileResult[];
  orphans: Orphan[];
  /** Records IndexedDB keeps for uploads that are finished (file Blobs, parts, cleanups). */
  leftovers: string[];
}

const STACK_LINE = /\n\s*at\s|\bat .+:\d+:\d+/;

/** A message a person can act on: there is one, it is not a stack trace, and it is not "unexpected". */
export function actionable(problem: UploadProblem | undefined): boolean {
  if (!problem?.message?.trim()) return false;
  return !STACK_LINE.test(problem.message) && problem.code !== 'InternalError';
}

export interface Resent {
  /** Sent again after OSS had answered 200 for that part of that upload: the engine's doing. */
  afterAck: number;
  /**
   * Sent again after OSS had applied the part but its answer was lost, before any 200. Mostly Chromium's
   * own doing: its network stack replays a request whose reused connection closed before one byte of
   * an answer, unseen by the page or the worker.
   */
  afterLostAnswer: number;
}

/** Re-sent part bytes per object key, from the emulator's request log. */
export function resentBytesByKey(lines: readonly RequestLogLine[]): Map<string, Resent> {
  const partLines = lines.filter((l) => l.operation === 'UploadPart' && l.uploadId && l.partNumber);
  const ackedAt = new Map<string, number>();
  const appliedAt = new Map<string, number>();
  const partId = (l: RequestLogLine) => `${l.uploadId} ${l.partNumber}`;
  const earliest = (map: Map<string, number>, id: string, at: number) =>
    map.set(id, Math.min(map.get(id) ?? Number.POSITIVE_INFINITY, at));
  for (const line of partLines) {
    if (line.status === 200) earliest(ackedAt, partId(line), line.settledAt);
    if (line.status === 200 || line.answerLost) earliest(appliedAt, partId(line), line.settledAt);
  }
  const resent = new Map<string, Resent>();
  for (const line of partLines) {
    const id = partId(line);
    const entry = resent.get(line.key) ?? { afterAck: 0, afterLostAnswer: 0 };
    if (line.receivedAt >= (ackedAt.get(id) ?? Number.POSITIVE_INFINITY)) entry.afterAck += line.bytes;
    else if (line.receivedAt >= (appliedAt.get(id) ?? Number.POSITIVE_INFINITY))
      entry.afterLostAnswer += line.bytes;
    resent.set(line.key, entry);
  }
  return resent;
}

function resendLimit(state: RunState, index: number): number {
  const { size, partSize, parallel } = state.sources[index]!;
  const plan = planParts(size, partSize);
  return plan.method === 'put' ? 0 : clampParallel(parallel) * plan.partSize;
}

async function judgeFile(
  state: RunState,
  index: number,
  records: BrowserRecords,
  oss: OssView,
  keysWithUploads: ReadonlySet<string>,
): Promise<Pick<FileResult, 'outcome' | 'code' | 'detail'>> {
  const source = state.sources[index]!;
  const key = state.keys[index]!;
  const refusal = state.refused.get(index);
  if (refusal !== undefined) return { outcome: 'refused', code: 'Refused', detail: refusal };
  const id = state.uploadIds.get(index);
  if (id === undefined) return { outcome: 'refused', code: 'NotHandedOver' };
  const unfinished = records.uploads.find((u) => u.id === id);
  const finished = records.history.find((h) => h.id === id);
  const stored = await oss.digest(key);
  const sameAsSource =
    stored !== undefined &&
    stored.size === source.size &&
    stored.md5 === source.md5 &&
    stored.crc64 === source.crc64;
  const storedVersusSource = () =>
    stored
      ? `OSS holds ${stored.size} B md5 ${stored.md5} crc64 ${stored.crc64}; the file is ${source.size} B md5 ${source.md5} crc64 ${source.crc64}`
      : 'OSS holds no object';

  if (finished?.state === 'done') {
    if (!stored) return { outcome: 'lost', detail: `done, but ${storedVersusSource()}` };
    if (!sameAsSource) return { outcome: 'corrupt', detail: storedVersusSource() };
    if (finished.result?.crc64 !== source.crc64) {
      return { outcome: 'corrupt', detail: `the done record says CRC64 ${finished.result?.crc64}` };
    }
    return { outcome: 'completed' };
  }
  if (finished?.state === 'aborted') {
    const left = [
      ...(stored ? ['an object'] : []),
      ...(keysWithUploads.has(key) ? ['a multipart upload'] : []),
    ];
    return left.length === 0
      ? { outcome: 'aborted' }
      : { outcome: 'aborted-unclean', detail: `aborted, but OSS holds ${left.join(' and ')}` };
  }
  if (!unfinished) return { outcome: 'lost', detail: 'the worker keeps no record of the upload' };
  if (UNSETTLED_STATES.includes(unfinished.state)) {
    return {
      outcome: 'stuck',
      detail: `${unfinished.state}, ${unfinished.bytesConfirmed}/${unfinished.size} B confirmed${unfinished.problem ? `: ${unfinished.problem.message}` : ''}`,
    };
  }
  // failed or needs-file
  const code = unfinished.problem?.code ?? '(none)';
  if (stored && !sameAsSource) return { outcome: 'corrupt', code, detail: storedVersusSource() };
  if (sameAsSource) {
    return {
      outcome: 'stored-but-failed',
      code,
      detail: `${unfinished.state}: ${unfinished.problem?.message}`,
    };
  }
  if (!actionable(unfinished.problem)) {
    return { outcome: 'unexplained', code, detail: `${unfinished.state}: ${unfinished.problem?.message}` };
  }
  return { outcome: 'stopped', code, detail: unfinished.problem!.message };
}

/**
 * Multipart uploads under the run's prefix that no unfinished upload of this browser owns, and the keys
 * that have any (an aborted upload's key must have none).
 */
async function orphans(records: BrowserRecords, oss: OssView, prefix: string) {
  const listed = await oss.uploads(prefix);
  const found: Orphan[] = [];
  for (const upload of listed) {
    const owned = records.uploads.some(
      (u) =>
        u.key === upload.key &&
        // Its own, or one an Initiate whose answer was lost created: adopted on the next run.
        (u.uploadId === upload.uploadId || (u.uploadId === undefined && u.initiateStartedAt !== undefined)),
    );
    if (!owned) {
      const parts = (await oss.parts(upload.key, upload.uploadId)).length;
      found.push({ key: upload.key, uploadId: upload.uploadId, parts });
    }
  }
  return { orphans: found, keysWithUploads: new Set(listed.map((u) => u.key)) };
}

function leftovers(records: BrowserRecords): string[] {
  const found: string[] = [];
  for (const { id, state } of records.history) {
    if (records.fileIds.includes(id)) found.push(`${state} upload ${id} still has its file`);
    if (records.partCounts[id])
      found.push(`${state} upload ${id} still has ${records.partCounts[id]} part records`);
  }
  for (const cleanup of records.cleanups) {
    found.push(`an abort of ${cleanup.key} (upload ${cleanup.id}) is still waiting for OSS to confirm it`);
  }
  return found;
}

export async function checkRun(
  state: RunState,
  records: BrowserRecords,
  oss: OssView,
  requestLogPath: string,
  prefix: string,
): Promise<RunFindings> {
  const { orphans: found, keysWithUploads } = await orphans(records, oss, prefix);
  const resent = resentBytesByKey(parseRequestLog(await readFile(requestLogPath, 'utf8').catch(() => '')));
  const files: FileResult[] = [];
  for (const source of state.sources) {
    const key = state.keys[source.index]!;
    const judged = await judgeFile(state, source.index, records, oss, keysWithUploads);
    files.push({
      index: source.index,
      key,
      size: source.size,
      ...judged,
      resentBytes: resent.get(key)?.afterAck ?? 0,
      resentAfterLostAnswer: resent.get(key)?.afterLostAnswer ?? 0,
      resendLimit: resendLimit(state, source.index),
    });
  }
  return { files, orphans: found, leftovers: leftovers(records) };
}

/** Everything that makes a run fail, one line each; empty when it passed. */
export function failures(findings: RunFindings): string[] {
  return [
    ...findings.files
      .filter((f) => (BAD_OUTCOMES as readonly string[]).includes(f.outcome))
      .map((f) => `f${f.index} ${f.key}: ${f.outcome}${f.detail ? ` — ${f.detail}` : ''}`),
    ...findings.files
      .filter((f) => f.resentBytes > f.resendLimit)
      .map(
        (f) =>
          `f${f.index} ${f.key}: re-sent ${f.resentBytes} B of acknowledged parts, limit ${f.resendLimit} B`,
      ),
    ...findings.orphans.map((o) => `orphan multipart upload ${o.uploadId} of ${o.key} (${o.parts} parts)`),
    ...findings.leftovers.map((l) => `IndexedDB: ${l}`),
  ];
}
