// The human-readable form of a suite's results: a Markdown table (pasteable into issues and PRs) with
// each measurement's notes listed underneath, so the table itself stays narrow.

import { formatQuantity, formatStatus, formatTarget, type JudgedMeasurement } from './measurement.ts';
import type { SuiteResult } from './suite.ts';

const HEADER = ['measurement', 'value', 'target', 'status'];

function markdownTable(rows: string[][]): string {
  const widths = HEADER.map((_, col) => Math.max(...[HEADER, ...rows].map((row) => row[col]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, col) => cell.padEnd(widths[col]!)).join(' | ')} |`;
  return [line(HEADER), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function row(m: JudgedMeasurement): string[] {
  const value = m.status === 'error' ? '—' : formatQuantity(m.value, m.unit);
  return [m.name, value, formatTarget(m), formatStatus(m)];
}

export function formatSuiteResult(result: SuiteResult): string {
  const heading = `## ${result.suite} (${result.durationSeconds.toFixed(1)} s)`;
  if (result.error !== undefined) return `${heading}\n\nSuite failed: ${result.error}\n`;
  const notes = result.measurements.filter((m) => m.note !== undefined).map((m) => `- ${m.name}: ${m.note}`);
  return [heading, '', markdownTable(result.measurements.map(row)), '', ...notes, ''].join('\n');
}
