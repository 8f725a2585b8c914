import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson, writeJson } from '../../../../server/emulator/persistence/json-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'json-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeJson', () => {
  it('creates and replaces a record, leaving no temp file', async () => {
    const path = join(dir, 'r.json');
    await writeJson(path, { a: 1 });
    await writeJson(path, { a: 2, b: 'x' });
    expect(await readJson(path)).toEqual({ a: 2, b: 'x' });
    expect(await readdir(dir)).toEqual(['r.json']);
  });

  it('fails without leaving a temp file when the record cannot be put in place', async () => {
    await mkdir(join(dir, 'taken.json'));
    await expect(writeJson(join(dir, 'taken.json'), {})).rejects.toThrow(); // a directory is in the way
    await expect(writeJson(join(dir, 'missing', 'r.json'), {})).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken.json']);
  });
});
