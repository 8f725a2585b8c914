// The part map's model: parts → cells. Pure, so the grouping can be tested without a browser and
// the upload view can feed the same component from the engine's part records.

import { PART_CELL_STATES, type PartCellState } from '../../lib/protocol/messages.ts';

export { PART_CELL_STATES, type PartCellState };

export type PartCounts = Record<PartCellState, number>;

export interface PartCell {
  /** 1-based part numbers covered, inclusive. */
  first: number;
  last: number;
  /** The worst state in the cell, so a single failing part in a group of 20 still shows. */
  state: PartCellState;
  counts: PartCounts;
}

/** Past this many parts, neighbouring parts share a cell: a map of thousands of 3-pixel cells says nothing. */
export const DEFAULT_MAX_CELLS = 500;

/** Worst first: what needs attention outranks what is moving, which outranks what is waiting or done. */
const SEVERITY: readonly PartCellState[] = ['failed', 'retrying', 'uploading', 'pending', 'done'];

export const emptyCounts = (): PartCounts => ({ done: 0, uploading: 0, retrying: 0, failed: 0, pending: 0 });

export function countParts(states: readonly PartCellState[]): PartCounts {
  const counts = emptyCounts();
  for (const state of states) counts[state]++;
  return counts;
}

/** Counts per state laid out as parts: done first, then the ones in flight, then the waiting ones. */
export function partsFromCounts(counts: Partial<PartCounts>): PartCellState[] {
  const order: PartCellState[] = ['done', 'failed', 'retrying', 'uploading', 'pending'];
  return order.flatMap((state) =>
    Array<PartCellState>(Math.max(0, Math.floor(counts[state] ?? 0))).fill(state),
  );
}

export function groupParts(states: readonly PartCellState[], maxCells = DEFAULT_MAX_CELLS): PartCell[] {
  const size = Math.max(1, Math.ceil(states.length / Math.max(1, maxCells)));
  const cells: PartCell[] = [];
  for (let start = 0; start < states.length; start += size) {
    const counts = countParts(states.slice(start, start + size));
    const state = SEVERITY.find((s) => counts[s] > 0) ?? 'pending';
    cells.push({ first: start + 1, last: Math.min(states.length, start + size), state, counts });
  }
  return cells;
}

/** "37 of 120 parts done, 4 uploading, 1 retrying": the map's accessible name and its title. */
export function summarizeParts(counts: PartCounts): string {
  const total = PART_CELL_STATES.reduce((sum, s) => sum + counts[s], 0);
  const noun = total === 1 ? 'part' : 'parts';
  const extras = (['uploading', 'retrying', 'failed'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`);
  return [`${counts.done} of ${total} ${noun} done`, ...extras].join(', ');
}

export function describeCell(cell: PartCell): string {
  const range = cell.first === cell.last ? `Part ${cell.first}` : `Parts ${cell.first}–${cell.last}`;
  const parts = PART_CELL_STATES.filter((s) => cell.counts[s] > 0).map((s) => `${cell.counts[s]} ${s}`);
  return `${range}: ${parts.join(', ')}`;
}

/**
 * Parts as OSS lists them (numbers that arrived) → states for 1..total. Numbers never listed are
 * pending; total defaults to the highest number seen, since an upload from another device does
 * not say how many parts it will have.
 */
export function statesFromListedParts(partNumbers: readonly number[], total?: number): PartCellState[] {
  const highest = Math.max(0, ...partNumbers);
  const states = Array<PartCellState>(Math.max(total ?? 0, highest)).fill('pending');
  for (const n of partNumbers) if (n >= 1) states[n - 1] = 'done';
  return states;
}
