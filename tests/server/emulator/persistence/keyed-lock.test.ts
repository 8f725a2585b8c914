import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../../server/emulator/persistence/keyed-lock.ts';

/** A task that records when it starts and ends, and finishes when told to. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    task: async () => {
      log.push(`${name}+`);
      await opened;
      log.push(`${name}-`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLock', () => {
  it('runs shared holders together and an exclusive one alone', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const [a, b, x] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'x')];
    const done = [lock.runShared('u', a.task), lock.runShared('u', b.task), lock.run('u', x.task)];
    await settle();
    expect(log).toEqual(['a+', 'b+']);
    a.open();
    await settle();
    expect(log).toEqual(['a+', 'b+', 'a-']);
    b.open();
    await settle();
    expect(log).toEqual(['a+', 'b+', 'a-', 'b-', 'x+']);
    x.open();
    expect(await Promise.all(done)).toEqual(['a', 'b', 'x']);
  });

  it('makes shared holders that arrive after a waiting exclusive one wait behind it', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const [a, x, b] = [gate(log, 'a'), gate(log, 'x'), gate(log, 'b')];
    const done = [lock.runShared('u', a.task), lock.run('u', x.task), lock.runShared('u', b.task)];
    await settle();
    a.open();
    await settle();
    expect(log).toEqual(['a+', 'a-', 'x+']);
    x.open();
    b.open();
    await Promise.all(done);
    expect(log).toEqual(['a+', 'a-', 'x+', 'x-', 'b+', 'b-']);
  });

  it('keeps names apart, releases on failure and forgets idle names', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const x = gate(log, 'x');
    const held = lock.run('one', x.task);
    await lock.run('two', async () => log.push('two'));
    await expect(
      lock.run('three', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await lock.run('three', async () => log.push('three again'));
    x.open();
    await held;
    expect(log).toEqual(['x+', 'two', 'three again', 'x-']);
    expect((lock as unknown as { states: Map<string, unknown> }).states.size).toBe(0);
  });
});
