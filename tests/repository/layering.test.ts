// The layers meet only in lib/ (README: Architecture). Lint is what enforces it, so these tests run the
// project's own Biome configuration on probe files that import the wrong way and check that each is
// refused with a message naming the rule, and that a right-way import passes.

import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '../..');
const BIOME = join(REPO_ROOT, 'node_modules/.bin/biome');
const run = promisify(execFile);

let sandbox: string;

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'skylift-layering-'));
  await copyFile(join(REPO_ROOT, 'biome.json'), join(sandbox, 'biome.json'));
});
afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

/** Lints one probe file at `path` (relative to a sandbox holding the project's biome.json). */
async function lintProbe(path: string, importPath: string): Promise<{ ok: boolean; output: string }> {
  const file = join(sandbox, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `import { value } from '${importPath}';\n\nexport const probe = value;\n`);
  try {
    const { stdout, stderr } = await run(BIOME, ['lint', '--vcs-enabled=false', path], { cwd: sandbox });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

describe('lint refuses a wrong-way import and says which layer may import which', () => {
  const refused: [string, string, string, RegExp][] = [
    [
      'the page importing the worker',
      'src/probe-a.ts',
      '../sw/engine/retry-policy.ts',
      /page \(src\/\).*only through lib\//,
    ],
    [
      'the page importing a server',
      'src/x/probe-b.ts',
      '../../server/config/config.ts',
      /page \(src\/\).*only through lib\//,
    ],
    [
      'the worker importing the page',
      'sw/probe-c.ts',
      '../src/uploads/upload-feed.ts',
      /service worker \(sw\/\).*only through lib\//,
    ],
    [
      'lib importing the worker',
      'lib/oss/probe-d.ts',
      '../../sw/engine/retry-policy.ts',
      /lib\/ is shared.*imports none of them/,
    ],
    [
      'a server importing the page',
      'server/probe-e.ts',
      '../src/uploads/upload-feed.ts',
      /servers \(server\/\) never import the page/,
    ],
    ['production code importing test support', 'server/probe-f.ts', '../tests/support/emulator.ts', /tests/],
  ];
  it.each(refused)('%s', async (_name, path, importPath, message) => {
    const result = await lintProbe(path, importPath);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('noRestrictedImports');
    expect(result.output).toMatch(message);
  });

  it('lets every layer import lib/', async () => {
    for (const path of ['src/probe-g.ts', 'sw/probe-h.ts', 'server/probe-i.ts']) {
      const result = await lintProbe(path, '../lib/oss/crc64.ts');
      expect(result, result.output).toMatchObject({ ok: true });
    }
  });
});

describe('test support lives in the tests’ own tree', () => {
  it('no test scaffolding sits among production code (lib/, src/, sw/, server/)', async () => {
    const { stdout } = await run('git', ['ls-files', 'lib', 'src', 'sw', 'server'], { cwd: REPO_ROOT });
    // Named as scaffolding: test-*.ts, *.test.ts, *-test-*.ts, or a test-support/fixtures folder.
    const scaffolding = /(^|\/)(test-[^/]*|[^/]*[.-]test[.-][^/]*|test-support\/|fixtures?\/)/;
    expect(stdout.split('\n').filter((path) => scaffolding.test(path))).toEqual([]);
  });
});
