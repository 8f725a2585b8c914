// `npm start` builds the page and worker only when the build is missing or older than its sources,
// so a fresh clone starts with one command and later starts are instant.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'sw', 'lib', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsStale(rootDir: string, distDir: string): boolean {
  const built = join(distDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(rootDir, source)) > builtAt);
}

export async function ensureBuild(rootDir: string, distDir: string): Promise<boolean> {
  if (!buildIsStale(rootDir, distDir)) return false;
  const { build } = await import('vite');
  await build({ root: rootDir, logLevel: 'warn' });
  return true;
}
