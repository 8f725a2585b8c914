import { describe, expect, it } from 'vitest';
import { SendSlots } from '../../../sw/engine/send-slots.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SendSlots', () => {
  it('never lets more requests hold a slot than the budget', async () => {
    const slots = new SendSlots(2);
    let holding = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const release = await slots.acquire(i);
        holding++;
        most = Math.max(most, holding);
        await tick();
        holding--;
        release();
      }),
    );
    expect(most).toBe(2);
    expect(slots.busy).toBe(0);
  });

  it('serves the waiting request with the lowest priority number first, ties in arrival order', async () => {
    const slots = new SendSlots(1);
    const first = await slots.acquire(0);
    const order: string[] = [];
    const wait = (name: string, priority: number) =>
      slots.acquire(priority).then((release) => {
        order.push(name);
        release();
      });
    const all = [
      wait('big part', 300e6),
      wait('small file', 12),
      wait('another big part', 300e6),
      wait('tiny', 12),
    ];
    first();
    await Promise.all(all);
    expect(order).toEqual(['small file', 'tiny', 'big part', 'another big part']);
  });

  it('withdraws a waiting request when its signal aborts, and a release counts once', async () => {
    const slots = new SendSlots(1);
    const release = await slots.acquire(0);
    const controller = new AbortController();
    const waiting = slots.acquire(1, controller.signal);
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(slots.queued).toBe(0);
    release();
    release();
    expect(slots.busy).toBe(0);
    const again = await slots.acquire(0);
    expect(slots.busy).toBe(1);
    again();
  });

  it('a larger budget starts waiting requests at once; a smaller one waits for requests to finish', async () => {
    const slots = new SendSlots(1);
    const a = await slots.acquire(0);
    let started = false;
    const b = slots.acquire(0).then((release) => {
      started = true;
      return release;
    });
    slots.resize(2);
    (await b)();
    expect(started).toBe(true);
    // Back to one slot while `a` still holds one: the next request waits for it.
    slots.resize(1);
    let cStarted = false;
    const c = slots.acquire(0).then((release) => {
      cStarted = true;
      return release;
    });
    await tick();
    expect(cStarted).toBe(false);
    a();
    (await c)();
    expect(cStarted).toBe(true);
  });

  it('halves the budget when OSS asks to slow down, and wins it back a slot per budget of requests that go through', () => {
    const slots = new SendSlots(6);
    slots.backOff();
    expect(slots.capacity).toBe(3);
    slots.backOff();
    expect(slots.capacity).toBe(1);
    slots.backOff();
    expect(slots.capacity).toBe(1);
    slots.succeeded();
    expect(slots.capacity).toBe(2);
    slots.succeeded();
    expect(slots.capacity).toBe(2);
    slots.succeeded();
    expect(slots.capacity).toBe(3);
    // The uploads' own setting does not undo the backoff; it only bounds the way back.
    slots.resize(6);
    expect(slots.capacity).toBe(3);
    for (let i = 0; i < 100; i++) slots.succeeded();
    expect(slots.capacity).toBe(6);
    slots.resize(4);
    expect(slots.capacity).toBe(4);
  });
});
