import { describe, expect, it } from 'vitest';
import { cellState } from '../../../sw/engine/part-cells.ts';

describe('part cells', () => {
  const part = { attempts: 0, nextTryAt: 0, lastError: undefined };
  it('maps stored parts to cells', () => {
    expect(cellState({ ...part, state: 'done' }, 'uploading', 0)).toBe('done');
    expect(cellState({ ...part, state: 'sending' }, 'uploading', 0)).toBe('uploading');
    // Paused or cut off mid-send: nothing is moving.
    expect(cellState({ ...part, state: 'sending' }, 'paused', 0)).toBe('pending');
    const failedOnce = { state: 'pending', attempts: 1, nextTryAt: 5000, lastError: 'HTTP 503' } as const;
    expect(cellState(failedOnce, 'uploading', 1000)).toBe('retrying');
    expect(cellState(failedOnce, 'uploading', 6000)).toBe('pending');
    expect(cellState(failedOnce, 'failed', 6000)).toBe('failed');
    expect(cellState({ ...part, state: 'pending' }, 'uploading', 0)).toBe('pending');
  });
});
