import { afterEach, describe, expect, it } from 'vitest';
import { HandedFiles } from './handed-files.ts';

/** A copy that is written only when the test says so, and tells when it was begun. */
function controlledCopy() {
  const copy = {
    begun: false,
    finish: () => undefined as void,
    run: () => {
      copy.begun = true;
      return new Promise<void>((resolve) => {
        copy.finish = resolve;
      });
    },
  };
  return copy;
}

const file = (name: string) => new File([name], name);
/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
/** No copy starts on its own in these tests: only sending() queues one. */
const NEVER_MS = 600_000;

describe('HandedFiles', () => {
  const handed = new HandedFiles();
  afterEach(() => handed.forgetAll());

  it('writes copies one at a time, in the order they were asked for', async () => {
    const copies = [controlledCopy(), controlledCopy(), controlledCopy()];
    copies.forEach((copy, i) => {
      handed.hold(`u${i}`, file(`f${i}`), copy.run, NEVER_MS);
    });
    handed.sending('u2');
    handed.sending('u0');
    handed.sending('u1');
    await settle();
    expect(copies.map((c) => c.begun)).toEqual([false, false, true]);
    copies[2]!.finish();
    await settle();
    expect(copies.map((c) => c.begun)).toEqual([true, false, true]);
    copies[0]!.finish();
    await settle();
    expect(copies.map((c) => c.begun)).toEqual([true, true, true]);
    const stored = handed.get('u1')!.stored;
    copies[1]!.finish();
    expect(await stored).toBe(true);
    expect(handed.get('u1')).toBeUndefined(); // dropped once stored: the copy serves from now on
  });

  it('never writes a copy still queued when its upload finishes, so none is left behind', async () => {
    const first = controlledCopy();
    const second = controlledCopy();
    handed.hold('a', file('a'), first.run, NEVER_MS);
    handed.hold('b', file('b'), second.run, NEVER_MS);
    handed.sending('a');
    handed.sending('b');
    await settle();
    const stored = handed.get('b')!.stored;
    handed.finishing('b');
    expect(await stored).toBe(false);
    expect(handed.get('b')?.file.name).toBe('b'); // still sendable until forgotten
    first.finish();
    await settle();
    expect(second.begun).toBe(false);
  });

  it('a copy being written when its upload finishes is written (the finish deletes it after)', async () => {
    const copy = controlledCopy();
    handed.hold('c', file('c'), copy.run, NEVER_MS);
    handed.sending('c');
    await settle();
    const stored = handed.get('c')!.stored;
    handed.finishing('c');
    copy.finish();
    expect(await stored).toBe(true);
  });

  it('a copy waiting for its delay is never written once its upload finishes', async () => {
    let copied = false;
    handed.hold(
      'd',
      file('d'),
      async () => {
        copied = true;
      },
      0,
    );
    handed.finishing('d');
    await settle();
    await settle();
    expect(copied).toBe(false);
  });
});
