// What makes an acknowledged write survive a power cut. A rename, a new file or a deletion changes a
// directory, and the kernel may keep that change in memory after fsync of the file itself: only an fsync
// of the directory puts the new entry on disk. So every step that commits a write is followed by one,
// before the emulator answers (the file's own bytes were fsynced before its rename).
//
// Concurrent requests often change the same directory (every part's data file lands in blobs/), so the
// fsyncs of one directory are shared: one that starts after a caller's change covers every caller that
// changed the directory before it started.

import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

interface DirectoryState {
  /** The fsync in flight, if any. */
  running?: Promise<void>;
  /** The fsync to start when the running one ends; shared by everyone who asked meanwhile. */
  next?: Promise<void>;
}

const directories = new Map<string, DirectoryState>();

async function fsyncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals its directory changes itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Returns once every change made in `dir` before the call is on disk. */
export function syncDirectory(dir: string): Promise<void> {
  let state = directories.get(dir);
  if (!state) {
    state = {};
    directories.set(dir, state);
  }
  const current = state;
  if (!current.running) return start(dir, current);
  // The running fsync may have begun before the caller's change: wait for a fresh one.
  current.next ??= current.running.then(
    () => start(dir, current),
    () => start(dir, current),
  );
  return current.next;
}

function start(dir: string, state: DirectoryState): Promise<void> {
  state.next = undefined;
  const run = fsyncDirectory(dir);
  state.running = run;
  const settle = () => {
    if (state.running !== run) return;
    state.running = undefined;
    if (!state.next) directories.delete(dir);
  };
  run.then(settle, settle);
  return run;
}

/** Deletes `path` (if present) and makes its absence durable. */
export async function removeDurably(path: string, options: { recursive?: boolean } = {}): Promise<void> {
  await rm(path, { force: true, recursive: options.recursive ?? false });
  await syncDirectory(dirname(path));
}

/** `mkdir -p` whose new directories survive a power cut: each one's entry in its parent is synced. */
export async function mkdirDurably(path: string): Promise<void> {
  const dir = resolve(path);
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return; // it all existed
  const parents: string[] = [];
  for (let created = dir; ; created = dirname(created)) {
    parents.push(dirname(created));
    if (created === first || dirname(created) === created) break;
  }
  for (const parent of parents) await syncDirectory(parent);
}
