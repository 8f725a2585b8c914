import { describe, expect, it } from 'vitest';
import { LinkMeter } from '../../../sw/engine/link-meter.ts';

describe('LinkMeter', () => {
  it('knows nothing until something is measured', () => {
    const meter = new LinkMeter(() => 0);
    expect(meter.throughput()).toBeUndefined();
    expect(meter.overheadMs()).toBeUndefined();
    expect(meter.inFlight()).toEqual([]);
  });

  it('takes the quickest recent request as the overhead (slower ones waited in a queue)', () => {
    const meter = new LinkMeter(() => 0);
    for (const ms of [250, 120, 400]) meter.requestTimed(ms);
    expect(meter.overheadMs()).toBe(120);
    // Only the last few count: the link may have changed.
    for (let i = 0; i < 8; i++) meter.requestTimed(300);
    expect(meter.overheadMs()).toBe(300);
  });

  it('measures throughput from the parts confirmed lately, all uploads together, and lists parts in flight', () => {
    let now = 1_000;
    const meter = new LinkMeter(() => now);
    const a = meter.partStarted(8e6);
    const b = meter.partStarted(8e6);
    expect(meter.inFlight()).toEqual([
      { startedAt: 1_000, size: 8e6 },
      { startedAt: 1_000, size: 8e6 },
    ]);
    now = 3_000;
    a(true);
    b(false); // not confirmed: no bytes counted
    expect(meter.inFlight()).toEqual([]);
    expect(meter.throughput()).toBe(4e6);
    // Long after, the window has moved on.
    now = 60_000;
    expect(meter.throughput()).toBeUndefined();
  });
});
