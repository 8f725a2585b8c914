import { describe, expect, it } from 'vitest';
import {
  countParts,
  describeCell,
  groupParts,
  type PartCellState,
  partsFromCounts,
  statesFromListedParts,
  summarizeParts,
} from '../../../src/dashboard/part-groups.ts';
import { sparklinePoints } from '../../../src/dashboard/sparkline.ts';

describe('part map grouping', () => {
  it('gives each part its own cell up to the limit', () => {
    const states: PartCellState[] = ['done', 'uploading', 'pending'];
    expect(groupParts(states, 500)).toEqual([
      { first: 1, last: 1, state: 'done', counts: countParts(['done']) },
      { first: 2, last: 2, state: 'uploading', counts: countParts(['uploading']) },
      { first: 3, last: 3, state: 'pending', counts: countParts(['pending']) },
    ]);
    expect(groupParts(Array(500).fill('done'), 500)).toHaveLength(500);
  });

  it('groups neighbours past the limit, covering every part exactly once', () => {
    const cells = groupParts(Array<PartCellState>(10_000).fill('done'), 500);
    expect(cells).toHaveLength(500);
    expect(cells[0]).toMatchObject({ first: 1, last: 20 });
    expect(cells.at(-1)).toMatchObject({ first: 9981, last: 10_000 });
    const uneven = groupParts(Array<PartCellState>(1001).fill('pending'), 500);
    expect(uneven).toHaveLength(334); // groups of 3; the last holds 2
    expect(uneven.at(-1)).toMatchObject({ first: 1000, last: 1001 });
    expect(uneven.reduce((n, c) => n + c.last - c.first + 1, 0)).toBe(1001);
  });

  it('colours a group by its worst state: failed > retrying > uploading > pending > done', () => {
    const group = (...states: PartCellState[]) => groupParts(states, 1)[0]!.state;
    expect(group('done', 'done', 'failed', 'uploading')).toBe('failed');
    expect(group('done', 'retrying', 'uploading', 'pending')).toBe('retrying');
    expect(group('done', 'pending', 'uploading')).toBe('uploading');
    expect(group('done', 'pending')).toBe('pending');
    expect(group('done', 'done')).toBe('done');
  });

  it('summarises for the accessible name and describes each cell', () => {
    const states = partsFromCounts({ done: 37, uploading: 4, retrying: 1, pending: 78 });
    expect(states).toHaveLength(120);
    expect(summarizeParts(countParts(states))).toBe('37 of 120 parts done, 4 uploading, 1 retrying');
    expect(summarizeParts(countParts(['failed']))).toBe('0 of 1 part done, 1 failed');
    const [cell] = groupParts(['done', 'done', 'failed'], 1);
    expect(describeCell(cell!)).toBe('Parts 1–3: 2 done, 1 failed');
  });

  it('turns listed part numbers into states with gaps pending', () => {
    expect(statesFromListedParts([1, 2, 5])).toEqual(['done', 'done', 'pending', 'pending', 'done']);
    expect(statesFromListedParts([2], 3)).toEqual(['pending', 'done', 'pending']);
    expect(statesFromListedParts([])).toEqual([]);
  });
});

describe('sparkline points', () => {
  it('scales the peak to the top and zero to the bottom, oldest at the left', () => {
    expect(sparklinePoints([0, 50, 100], { width: 200, height: 40 })).toBe('0,40 100,20 200,0');
    expect(sparklinePoints([5], { width: 200, height: 40 })).toBe('0,0 200,0');
    expect(sparklinePoints([0, 0], { width: 200, height: 40 })).toBe('0,40 200,40');
    expect(sparklinePoints([], { width: 200, height: 40 })).toBe('');
  });
});
