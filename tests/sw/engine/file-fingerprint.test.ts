import { describe, expect, it } from 'vitest';
import { fileFingerprint, sampledRanges } from '../../../sw/engine/file-fingerprint.ts';

describe('file fingerprint', () => {
  it('samples the head, the tail and evenly spread blocks, never past the end or twice', () => {
    expect(sampledRanges(0)).toEqual([]);
    expect(sampledRanges(10)).toEqual([[0, 10]]);
    expect(sampledRanges(100_000)).toEqual([[0, 100_000]]);
    const big = sampledRanges(1 << 30);
    expect(big[0]).toEqual([0, 65_536]);
    expect(big.at(-1)).toEqual([(1 << 30) - 65_536, 1 << 30]);
    expect(big).toHaveLength(66);
    expect(big.reduce((sum, [s, e]) => sum + e - s, 0)).toBe(2 * 65_536 + 64 * 4096);
    for (let i = 1; i < big.length; i++) expect(big[i]![0]).toBeGreaterThan(big[i - 1]![1]);
  });

  it('changes when sampled bytes change, and only depends on the content', async () => {
    const bytes = new Uint8Array(1_000_000).map((_, i) => (i * 7) & 0xff);
    const original = await fileFingerprint(new Blob([bytes]));
    expect(await fileFingerprint(new Blob([bytes.slice()]))).toBe(original);
    for (const at of [0, 999_999, sampledRanges(1_000_000)[5]![0]]) {
      const changed = bytes.slice();
      changed[at]! ^= 1;
      expect(await fileFingerprint(new Blob([changed])), `byte ${at}`).not.toBe(original);
    }
  });
});
