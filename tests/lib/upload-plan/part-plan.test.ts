import { describe, expect, it } from 'vitest';
import { GiB, KiB, MAX_PARTS, MiB } from '../../../lib/oss/limits.ts';
import { PartPlanError, plannedParts, planParts } from '../../../lib/upload-plan/part-plan.ts';

describe('planParts', () => {
  it('sends empty and small files with one PutObject', () => {
    expect(planParts(0)).toEqual({ method: 'put', partSize: 0, partCount: 0 });
    expect(planParts(100 * KiB - 1)).toMatchObject({ method: 'put', partCount: 1 });
  });

  it('sends a file no larger than one part with one PutObject, whatever the part size', () => {
    expect(planParts(100 * KiB)).toEqual({ method: 'put', partSize: 100 * KiB, partCount: 1 });
    expect(planParts(2 * MiB)).toEqual({ method: 'put', partSize: 2 * MiB, partCount: 1 });
    expect(planParts(8 * MiB)).toEqual({ method: 'put', partSize: 8 * MiB, partCount: 1 });
    expect(planParts(8 * MiB + 1).method).toBe('multipart');
    expect(planParts(2 * MiB, 4 * MiB).method).toBe('put');
    expect(planParts(2 * MiB, MiB)).toEqual({ method: 'multipart', partSize: MiB, partCount: 2 });
  });

  it('uses 8 MiB parts above one part, with a smaller last part', () => {
    const plan = planParts(64 * MiB + 5);
    expect(plan).toEqual({ method: 'multipart', partSize: 8 * MiB, partCount: 9 });
    const parts = plannedParts(64 * MiB + 5, plan);
    expect(parts.at(-1)).toEqual({ partNumber: 9, offset: 64 * MiB, size: 5 });
    expect(parts.reduce((sum, p) => sum + p.size, 0)).toBe(64 * MiB + 5);
  });

  it('grows the part size in whole MiB so huge files stay within 10,000 parts', () => {
    const size = 200 * GiB;
    const plan = planParts(size);
    expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize % MiB).toBe(0);
    expect(plan.partSize).toBeGreaterThan(8 * MiB);
    expect(planParts(size - 1).partSize).toBe(plan.partSize);
  });

  it('honours a requested part size within the limits and refuses one outside them', () => {
    expect(planParts(10 * MiB, MiB)).toEqual({ method: 'multipart', partSize: MiB, partCount: 10 });
    expect(() => planParts(10 * MiB, 50 * KiB)).toThrow(PartPlanError);
    expect(() => planParts(10 * MiB, 6 * GiB)).toThrow(/at most/);
    expect(() => planParts(20_000 * 200 * KiB, 100 * KiB)).toThrow(/more than 10000 parts/);
  });

  it('refuses files OSS cannot hold', () => {
    expect(() => planParts(5 * GiB * MAX_PARTS + 1)).toThrow(/at most/);
    expect(() => planParts(-1)).toThrow(PartPlanError);
  });
});
