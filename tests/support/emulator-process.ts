// The emulator as its own process, started through the CLI exactly as `npm run emulator` does, so a
// test can SIGKILL it mid-request and start it again on the same data dir.

import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { REPO_ROOT } from './repo-root.ts';

export interface EmulatorProcess {
  url: string;
  port: number;
  pid: number;
  /** SIGKILL: no shutdown hook runs, open requests are cut wherever they are. */
  kill9(): Promise<void>;
}

export async function spawnEmulator(dataDir: string, bucket: string): Promise<EmulatorProcess> {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/emulator/main.ts', '--port', '0', '--data', dataDir, '--bucket', bucket],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const match = out.match(/OSS emulator listening on (http:\/\/\S+)/);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`emulator exited before it was ready: ${stderr}`)));
    });
    return {
      url,
      port: Number(new URL(url).port),
      pid: child.pid!,
      kill9: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
