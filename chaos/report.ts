// The one table a chaos session prints (Markdown, so it can go into the README as it is), and the lines
// that let a failing run be replayed.

import { failures, type Outcome, type RunFindings } from './checks.ts';

export interface RunReport {
  seed: number;
  /** Index of the last step carried out (all of them, unless the runner itself broke). */
  lastStep: number;
  stepCount: number;
  findings?: RunFindings;
  /** The runner itself broke (a step or a check threw). */
  error?: string;
  durationMs: number;
}

export function runFailures(report: RunReport): string[] {
  return [
    ...(report.error ? [`the runner broke: ${report.error}`] : []),
    ...(report.findings ? failures(report.findings) : []),
  ];
}

const bytes = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${n} B`;

export function formatTable(reports: readonly RunReport[]): string {
  const files = reports.flatMap((r) => r.findings?.files ?? []);
  const count = (outcome: Outcome) => files.filter((f) => f.outcome === outcome).length;
  const failed = reports.filter((r) => runFailures(r).length > 0).length;
  const stopCodes = new Map<string, number>();
  for (const f of files.filter((f) => f.outcome === 'stopped')) {
    stopCodes.set(f.code ?? '?', (stopCodes.get(f.code ?? '?') ?? 0) + 1);
  }
  const byCode = [...stopCodes]
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const resent = files.reduce((sum, f) => sum + f.resentBytes, 0);
  const worst = files.reduce<(typeof files)[number] | undefined>(
    (top, f) => (f.resentBytes > (top?.resentBytes ?? 0) ? f : top),
    undefined,
  );
  const overLimit = files.filter((f) => f.resentBytes > f.resendLimit).length;
  const rows: [string, string][] = [
    ['runs', `${reports.length} (${reports.length - failed} passed, ${failed} failed)`],
    ['files', String(files.length)],
    ['bytes', bytes(files.reduce((sum, f) => sum + f.size, 0))],
    ['completed correct', String(count('completed'))],
    ['stopped with a message', `${count('stopped')}${byCode ? ` (${byCode})` : ''}`],
    ['aborted clean', String(count('aborted'))],
    ['refused at hand-over', String(count('refused'))],
    ['lost', String(count('lost'))],
    ['corrupt', String(count('corrupt'))],
    ['orphans', String(reports.reduce((sum, r) => sum + (r.findings?.orphans.length ?? 0), 0))],
    ['stuck', String(count('stuck'))],
    ['stopped without a usable message', String(count('unexplained'))],
    ['aborted, but data left in OSS', String(count('aborted-unclean'))],
    ['stored, but reported failed', String(count('stored-but-failed'))],
    ['IndexedDB leftovers', String(reports.reduce((sum, r) => sum + (r.findings?.leftovers.length ?? 0), 0))],
    [
      're-sent bytes (limit: parallel × part size per upload)',
      `${bytes(resent)}${worst ? `; most by one upload ${bytes(worst.resentBytes)} of its ${bytes(worst.resendLimit)}` : ''}; over the limit: ${overLimit}`,
    ],
    [
      're-sent bytes after an answer was lost (not checked)',
      bytes(files.reduce((sum, f) => sum + f.resentAfterLostAnswer, 0)),
    ],
    ['runner errors', String(reports.filter((r) => r.error).length)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `| ${'check'.padEnd(width)} | result |`,
    `| ${'-'.repeat(width)} | ------ |`,
    ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`),
  ].join('\n');
}
