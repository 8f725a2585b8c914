// One emulator per data directory. Two would wreck each other: each start clears tmp/ (the other's
// bodies in flight), deletes the data files it finds no record for (the other's parts being committed),
// and each keeps its own index of what is on disk.
//
// The lock is a kernel lock on <dataDir>/emulator.lock (an open-file-description lock on Linux, flock on
// macOS, LockFileEx on Windows), taken through fs-native-extensions. The kernel drops it when its holder
// exits however it exits, kill -9 included, so the next start succeeds at once: no stale lock to age out
// (proper-lockfile's lock counts as stale only after ≥ 2 s without updates) and no pid to test for life
// (a pid-file check that pid reuse can fool). It belongs to one open file, not to the process, so a
// second emulator in the same process is refused too. The file holds the holder's pid, for the message.

import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tryLock } from 'fs-native-extensions';
import { DataDirLockedError } from './data-dir-locked-error.ts';
import { mkdirDurably } from './durable-fs.ts';

export { DataDirLockedError };

export const LOCK_FILE = 'emulator.lock';

export interface DataDirLock {
  /** Lets the directory go; the file stays (deleting it would race with a process opening it). */
  release(): Promise<void>;
}

/** Takes the data directory (creating it if need be), or throws DataDirLockedError if it is in use. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  await mkdirDurably(dir);
  const file = await open(join(dir, LOCK_FILE), constants.O_RDWR | constants.O_CREAT, 0o644);
  let locked = false;
  try {
    locked = tryLock(file.fd);
    if (!locked) throw new DataDirLockedError(dir, await holderOf(file));
    await file.truncate(0);
    await file.write(`${process.pid}\n`, 0);
  } catch (error) {
    await file.close(); // drops the lock too, if it was taken
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    release: () => {
      // Emptied first, so the pid of a process that let go is not named while the next one starts up.
      released ??= file.truncate(0).finally(() => file.close());
      return released;
    },
  };
}

/** The pid written by the holder, if it is readable and names a live process. */
async function holderOf(file: FileHandle): Promise<number | undefined> {
  const { buffer, bytesRead } = await file.read(Buffer.alloc(32), 0, 32, 0).catch(() => ({
    buffer: Buffer.alloc(0),
    bytesRead: 0,
  }));
  const pid = Number(buffer.subarray(0, bytesRead).toString('utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, but belongs to another user
  }
}
