import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UploadSnapshotMessage } from '../../../lib/protocol/messages.ts';
import { ProgressBroadcaster } from '../../../sw/engine/progress-broadcaster.ts';

describe('ProgressBroadcaster', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends at most about ten snapshots a second, the last one with the latest state', async () => {
    let version = 0;
    const sent: UploadSnapshotMessage[] = [];
    const broadcaster = new ProgressBroadcaster(
      async () => ({ uploads: [{ id: String(version) }] as never, finished: [] }),
      (message) => sent.push(message),
      () => Date.now(),
    );
    for (let ms = 0; ms < 1000; ms += 5) {
      version++;
      broadcaster.changed();
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(200);
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.at(-1)?.uploads[0]?.id).toBe(String(version));
  });

  it('sends nothing when nothing changed', async () => {
    const post = vi.fn();
    new ProgressBroadcaster(async () => ({ uploads: [], finished: [] }), post);
    await vi.advanceTimersByTimeAsync(1000);
    expect(post).not.toHaveBeenCalled();
  });

  it('stretches the interval when a snapshot is costly, keeping it under a tenth of the time', async () => {
    const sent: number[] = [];
    const broadcaster = new ProgressBroadcaster(
      async () => {
        // A snapshot of many uploads: 50 ms to read and post.
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { uploads: [], finished: [] };
      },
      () => sent.push(Date.now()),
      () => Date.now(),
    );
    for (let ms = 0; ms < 5000; ms += 10) {
      broadcaster.changed();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(sent.length).toBeGreaterThanOrEqual(8);
    expect(sent.length).toBeLessThanOrEqual(11);
  });
});
