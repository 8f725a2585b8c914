// Comments and docs cite what a reader of the repository can open: the public OSS documentation by
// name, or docs/ in the repository. This test keeps references to notes that live outside it from
// creeping back in.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '../..');
const OUTSIDE_NOTES = /\boss-api\.md|\bbrowser-platform\.md|\bprior-art\.md|\.\.\/shared\//;
const SELF = 'tests/repository/citations.test.ts';

it('no tracked file cites notes kept outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && f !== SELF && f !== 'package-lock.json' && !f.startsWith('patches/'));
  const offenders = files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(join(REPO_ROOT, file), 'utf8');
    } catch {
      return []; // listed but absent from the work tree (e.g. deleted and not yet committed)
    }
    return text
      .split('\n')
      .flatMap((line, i) => (OUTSIDE_NOTES.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
  });
  expect(offenders).toEqual([]);
});
