// Records are small JSON files replaced atomically (temp file, fsync, rename), so a reader or a crash
// sees either the old record or the new one, never half of one.

import { readdir, readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value), { fsync: true });
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Names of the files in `dir` ending in `.json` (others are write-file-atomic leftovers); [] if no dir. */
export async function listJsonFiles(dir: string): Promise<{ json: string[]; other: string[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { json: [], other: [] };
    throw error;
  }
  return {
    json: names.filter((n) => n.endsWith('.json')),
    other: names.filter((n) => !n.endsWith('.json')),
  };
}
