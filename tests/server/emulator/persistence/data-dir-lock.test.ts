// One emulator per data directory: in-process, across forced restarts, and as CLI processes, including
// a restart right after kill -9 of the holder.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataLayout } from '../../../../server/emulator/persistence/layout.ts';
import { DataDirLockedError, startEmulator } from '../../../../server/emulator/server.ts';
import {
  BUCKET,
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
} from '../../../support/emulator.ts';
import { type EmulatorProcess, spawnEmulator } from '../../../support/emulator-process.ts';
import { REPO_ROOT } from '../../../support/repo-root.ts';
import { answered, signedClient } from '../../../support/signed-client.ts';

/** Starts a second emulator on `dataDir`; what came of it (an emulator that did start is closed again). */
function startAnother(dataDir: string): Promise<unknown> {
  return startEmulator({ port: 0, dataDir, createBuckets: [BUCKET] }).then(
    async (emulator) => {
      await emulator.close();
      return 'started';
    },
    (error: unknown) => error,
  );
}

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('in one process', () => {
  let emu: TestEmulator;
  beforeEach(async () => {
    emu = await startTestEmulator();
  });
  afterEach(() => emu.dispose());

  it('refuses a second emulator with DataDirLockedError, which leaves the first one’s uploads alone', async () => {
    // A PutObject whose body is half sent, spooling into tmp/ when the second emulator tries to start.
    const body = testBytes(400_000, 7);
    const socket = connect(emu.port, '127.0.0.1');
    const answer = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) resolve(text.split('\r\n')[0]!);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text || 'closed without an answer'));
    });
    socket.write(`PUT /held.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 200_000));
    const tmpDir = new DataLayout(emu.dataDir).tmpDir;
    await waitFor(async () => (await readdir(tmpDir)).length > 0);

    const refused = await startAnother(emu.dataDir);

    socket.write(body.subarray(200_000));
    expect(await answer).toBe('HTTP/1.1 200 OK');
    socket.destroy();
    expect((await emu.request('GET', '/held.bin')).body.equals(body)).toBe(true);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect(refused).toMatchObject({ dataDir: emu.dataDir, holderPid: process.pid });
    expect((refused as Error).message).toBe(
      `The data directory ${emu.dataDir} is in use by another OSS emulator (pid ${process.pid}): stop that one, or give this one another data directory`,
    );
  });

  it('keeps the directory through forced restarts, and lets it go on close', async () => {
    expect((await emu.request('POST', '/-/admin/restart')).status).toBe(200);
    expect((await emu.request('PUT', '/after-restart.txt', { body: 'x' })).status).toBe(200);
    expect(await startAnother(emu.dataDir)).toBeInstanceOf(DataDirLockedError);
    await emu.close();
    expect(await startAnother(emu.dataDir)).toBe('started');
  });
});

describe('as processes', () => {
  let dataDir: string;
  const running: EmulatorProcess[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-lock-'));
  });
  afterEach(async () => {
    for (const emulator of running.splice(0)) await emulator.kill9();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** `npm run emulator` on `dataDir`, expected to give up: its exit code and output. */
  function runRefused(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/emulator/main.ts', '--port', '0', '--data', dataDir, '--bucket', BUCKET],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('listening')) child.kill('SIGKILL'); // it started: that is the failure
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }

  it('a second `npm run emulator` on the directory exits with code 2 and one line naming it and the holder', async () => {
    const first = await spawnEmulator(dataDir, BUCKET);
    running.push(first);
    const second = await runRefused();
    expect(second).toEqual({
      code: 2,
      stdout: '',
      stderr: `The data directory ${dataDir} is in use by another OSS emulator (pid ${first.pid}): stop that one, or give this one another data directory (--data).\n`,
    });
  });

  it('after kill -9 of the holder, the next start on the directory succeeds at once, with the data', async () => {
    const first = await spawnEmulator(dataDir, BUCKET);
    running.push(first);
    const kept = testBytes(10_000, 3);
    expect(
      answered(await signedClient(first.url, BUCKET)({ method: 'PUT', key: 'k.bin', body: kept })).status,
    ).toBe(200);
    await first.kill9();
    const second = await spawnEmulator(dataDir, BUCKET); // no wait, no retry
    running.push(second);
    const got = answered(await signedClient(second.url, BUCKET)({ method: 'GET', key: 'k.bin' }));
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe(`"${md5HexOf(kept)}"`);
    expect(await runRefused()).toMatchObject({ code: 2 });
  });
});
