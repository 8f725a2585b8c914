// An acknowledged write survives a power cut: observed in the real system calls of the emulator process
// (the CLI, under strace), not in a mock. For every request the test sends (one at a time), each rename
// that commits something into the data dir must come after an fsync of the renamed file, and be followed
// by an fsync of its directory, before the first byte of the response is written.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../../server/emulator/persistence/data-dir-lock.ts';
import { DataLayout } from '../../../../server/emulator/persistence/layout.ts';
import { md5HexOf, testBytes } from '../../../support/emulator.ts';
import { REPO_ROOT } from '../../../support/repo-root.ts';
import { answered, type SignedSend, signedClient } from '../../../support/signed-client.ts';

const BUCKET = 'durable-bucket';

/** One system call as strace reported it, with the lines (positions in the log) where it began and ended. */
interface Call {
  name: string;
  args: string;
  result: number;
  began: number;
  ended: number;
}

/**
 * Parses `strace -f -y` output: `<tid> name(args) = result`, or a call split by another thread's calls
 * into `<tid> name(args <unfinished ...>` and `<tid> <... name resumed>args) = result`.
 */
function parseStrace(log: string): Call[] {
  const calls: Call[] = [];
  const pending = new Map<string, { name: string; args: string; began: number }>();
  log.split('\n').forEach((line, at) => {
    let match = /^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$/.exec(line);
    if (match) {
      pending.set(match[1]!, { name: match[2]!, args: match[3]!, began: at });
      return;
    }
    match = /^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\)\s+= (-?\d+)/.exec(line);
    if (match) {
      const start = pending.get(match[1]!);
      pending.delete(match[1]!);
      if (start) calls.push({ ...start, args: start.args + match[3]!, result: Number(match[4]), ended: at });
      return;
    }
    match = /^(\d+)\s+(\w+)\((.*)\)\s+= (-?\d+)/.exec(line);
    if (match)
      calls.push({ name: match[2]!, args: match[3]!, result: Number(match[4]), began: at, ended: at });
  });
  return calls;
}

/** The path strace's -y shows for a call's first (fd) argument: `12</data/blobs>`. */
const fdPath = (call: Call) => /^\d+<(.*?)>/.exec(call.args)?.[1];
/** The quoted paths of a rename/renameat/renameat2: from, to. */
const renamePaths = (call: Call) => [...call.args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
const isSync = (call: Call) => call.name === 'fsync' || call.name === 'fdatasync';
const isRename = (call: Call) => /^rename(at2?)?$/.test(call.name);

interface TracedEmulator {
  url: string;
  stop(): Promise<Call[]>;
}

async function startTraced(dataDir: string, log: string): Promise<TracedEmulator> {
  const child = spawn(
    'strace',
    [
      ...['-f', '-qq', '-y', '-s', '24', '-o', log],
      ...['-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,write,writev'],
      ...[process.execPath, '--import', 'tsx', 'server/emulator/main.ts'],
      ...['--port', '0', '--data', dataDir, '--bucket', BUCKET],
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /OSS emulator listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`the traced emulator exited before it was ready: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      // strace blocks fatal signals for itself, so stop the emulator (its pid is in the data dir's lock
      // file); strace exits after it.
      process.kill(Number(await readFile(join(dataDir, LOCK_FILE), 'utf8')), 'SIGINT');
      await exited;
      return parseStrace(await readFile(log, 'utf8'));
    },
  };
}

let dataDir: string;
let layout: DataLayout;
let calls: Call[];
/** What each request was, in the order sent. */
const sent: string[] = [];

beforeAll(async () => {
  const found = spawnSync('strace', ['-V']);
  if (found.error) throw new Error('this test needs strace (Debian: apt-get install strace)');
  dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-durable-'));
  layout = new DataLayout(dataDir);
  const emulator = await startTraced(dataDir, join(dataDir, '..', `${dataDir.split('/').pop()}.strace`));
  try {
    const send: SignedSend = signedClient(emulator.url, BUCKET);
    const request = async (what: string, ...args: Parameters<SignedSend>) => {
      sent.push(what);
      const res = answered(await send(...args));
      expect(res.status, `${what}: ${res.text}`).toBe(200);
      return res;
    };
    await request('PutObject', { method: 'PUT', key: 'put.bin', body: testBytes(300 * 1024, 1) });
    await request('PutObject (overwrite)', { method: 'PUT', key: 'put.bin', body: testBytes(1000, 2) });
    const init = await request('InitiateMultipartUpload', {
      method: 'POST',
      key: 'mp.bin',
      query: [['uploads', '']],
    });
    const uploadId = /<UploadId>([^<]+)</.exec(init.text)![1]!;
    const parts = [testBytes(100 * 1024, 3), testBytes(500, 4)];
    for (const [i, body] of parts.entries()) {
      await request('UploadPart', {
        method: 'PUT',
        key: 'mp.bin',
        query: [
          ['partNumber', String(i + 1)],
          ['uploadId', uploadId],
        ],
        body,
      });
    }
    await request('CompleteMultipartUpload', {
      method: 'POST',
      key: 'mp.bin',
      query: [['uploadId', uploadId]],
      body: `<CompleteMultipartUpload>${parts
        .map((p, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${md5HexOf(p)}"</ETag></Part>`)
        .join('')}</CompleteMultipartUpload>`,
    });
  } finally {
    calls = await emulator.stop();
  }
}, 120_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}.strace`, { force: true });
});

/** The calls up to each answer: the ready line, then one response per request sent. */
function segments(): { what: string; calls: Call[]; answeredAt: number }[] {
  const answers = calls.filter(
    (c) =>
      (c.name === 'write' || c.name === 'writev') && /"(HTTP\/1\.1 |OSS emulator listening)/.test(c.args),
  );
  expect(answers.map((c) => /"(HTTP\/1\.1 \d+|OSS emulator)/.exec(c.args)![1])).toEqual([
    'OSS emulator',
    ...sent.map(() => 'HTTP/1.1 200'),
  ]);
  let from = -1;
  return answers.map((answer, i) => {
    const segment = calls.filter((c) => c.began > from && c.began < answer.began);
    from = answer.began;
    return {
      what: i === 0 ? 'start-up (bucket creation)' : sent[i - 1]!,
      calls: segment,
      answeredAt: answer.began,
    };
  });
}

describe('durability, in the emulator’s system calls', () => {
  it('every committing rename: file fsynced before it, directory fsynced after it, both before the answer', () => {
    const expectedCommits: Record<string, string[]> = {
      'start-up (bucket creation)': ['bucket.json'],
      PutObject: ['blob', 'object record'],
      'PutObject (overwrite)': ['blob', 'object record'],
      InitiateMultipartUpload: ['upload record'],
      UploadPart: ['blob', 'part record'],
      CompleteMultipartUpload: ['object record'],
    };
    const kindOf = (to: string) =>
      dirname(to) === layout.blobsDir
        ? 'blob'
        : to.endsWith('/bucket.json')
          ? 'bucket.json'
          : to.startsWith(layout.objectsDir(BUCKET))
            ? 'object record'
            : to.startsWith(layout.uploadsDir(BUCKET))
              ? 'upload record'
              : to.startsWith(layout.partsRoot(BUCKET))
                ? 'part record'
                : `something else: ${to}`;

    for (const { what, calls: segment, answeredAt } of segments()) {
      // Renames into trash/ are not commits: they only clear away what a commit already made obsolete.
      const commits = segment.filter(
        (c) => isRename(c) && c.result === 0 && renamePaths(c)[1]!.startsWith(`${dataDir}/`),
      );
      const committed = commits.filter((c) => !renamePaths(c)[1]!.startsWith(`${layout.trashDir}/`));
      expect(
        committed.map((c) => kindOf(renamePaths(c)[1]!)),
        what,
      ).toEqual(expectedCommits[what]);
      for (const rename of committed) {
        const [from, to] = renamePaths(rename) as [string, string];
        const fileSynced = calls.some((c) => isSync(c) && fdPath(c) === from && c.ended < rename.began);
        expect(fileSynced, `${what}: fsync of ${from} before its rename`).toBe(true);
        const dirSynced = segment.some(
          (c) =>
            isSync(c) &&
            c.result === 0 &&
            fdPath(c) === dirname(to) &&
            c.began > rename.ended &&
            c.ended < answeredAt,
        );
        expect(
          dirSynced,
          `${what}: fsync of ${dirname(to)} after renaming ${from} to ${to}, before the answer`,
        ).toBe(true);
      }
    }
  });
});
