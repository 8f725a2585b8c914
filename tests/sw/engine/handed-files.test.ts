import { afterEach, describe, expect, it } from 'vitest';
import { HandedFiles } from '../../../sw/engine/handed-files.ts';

/** A copy that is written only when the test says so, and tells when it was begun. */
function controlledCopy() {
  const copy = {
    begun: false,
    finish: (): void => undefined,
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
/** Long enough that no copy starts on its own: only sending() starts one. */
const NEVER_MS = 600_000;

describe('HandedFiles', () => {
  const handed = new HandedFiles();
  afterEach(() => handed.forgetAll());

  it('begins the copy before hold() returns, so a change on disk after the hand-over misses it', () => {
    const copy = controlledCopy();
    handed.hold('u', file('u'), copy.run);
    expect(copy.begun).toBe(true);
    expect(handed.get('u')?.file.name).toBe('u'); // sendable while the copy is written
  });

  it('a copy still waiting when its upload finishes is never written, so none is left behind', async () => {
    const copy = controlledCopy();
    handed.hold('b', file('b'), copy.run, NEVER_MS);
    const stored = handed.get('b')!.stored;
    handed.finishing('b');
    handed.sending('b');
    expect(await stored).toBe(false);
    expect(copy.begun).toBe(false);
    expect(handed.get('b')?.file.name).toBe('b'); // still sendable until forgotten
  });

  it('a copy begun when its upload finishes is written (the finish deletes it after)', async () => {
    const copy = controlledCopy();
    handed.hold('c', file('c'), copy.run, NEVER_MS);
    handed.sending('c');
    const stored = handed.get('c')!.stored;
    handed.finishing('c');
    copy.finish();
    expect(await stored).toBe(true);
    expect(handed.get('c')).toBeUndefined(); // dropped once stored: the copy serves from now on
  });
});
