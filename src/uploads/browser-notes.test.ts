// What the upload view says per browser: persistent storage (asked, never waited for) and what
// closing the tab does; and the page's nudges that keep the engine going while uploads are unfinished.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NUDGE_INTERVAL_MS } from '../../lib/protocol/messages.ts';
import { EngineKeepAlive } from '../bridge/engine-keep-alive.ts';
import { afterCloseInWords } from './after-close.ts';
import { type PersistenceState, persistenceInWords, StoragePersistence } from './storage-persistence.ts';
import { UploadFeed } from './upload-feed.ts';

/** A StorageManager whose persist() settles only when the test answers for the person. */
function promptingStorage(persisted = false) {
  let answer: (granted: boolean) => void = () => undefined;
  const storage = {
    persisted: vi.fn(async () => persisted),
    persist: vi.fn(
      () =>
        new Promise<boolean>((resolve) => {
          answer = resolve;
        }),
    ),
  };
  return { storage, answer: (granted: boolean) => answer(granted) };
}

describe('StoragePersistence', () => {
  it('asks once and returns at once, however long the prompt waits; the answer updates the state', async () => {
    const { storage, answer } = promptingStorage();
    const seen: PersistenceState[] = [];
    const persistence = new StoragePersistence(storage, (state) => seen.push(state));
    await persistence.check();
    expect(persistence.state).toBe('not-asked');
    persistence.ask();
    persistence.ask();
    expect(persistence.state).toBe('asking');
    expect(storage.persist).toHaveBeenCalledTimes(1);
    answer(true);
    await vi.waitFor(() => expect(persistence.state).toBe('granted'));
    expect(seen).toEqual(['not-asked', 'asking', 'granted']);
  });

  it('a refusal is said as such and not asked again', async () => {
    const { storage, answer } = promptingStorage();
    const persistence = new StoragePersistence(storage);
    persistence.ask();
    answer(false);
    await vi.waitFor(() => expect(persistence.state).toBe('refused'));
    persistence.ask();
    expect(storage.persist).toHaveBeenCalledTimes(1);
  });

  it('already persistent: nothing to ask', async () => {
    const { storage } = promptingStorage(true);
    const persistence = new StoragePersistence(storage);
    await persistence.check();
    persistence.ask();
    expect(persistence.state).toBe('granted');
    expect(storage.persist).not.toHaveBeenCalled();
  });

  it('a check answered after the question was put does not undo it', async () => {
    const { storage } = promptingStorage();
    const persistence = new StoragePersistence(storage);
    const checking = persistence.check();
    persistence.ask();
    await checking;
    expect(persistence.state).toBe('asking');
  });

  it('no navigator.storage (WebKitGTK), or no persist(): unsupported, and nothing is called', async () => {
    for (const storage of [undefined, { persisted: async () => false }]) {
      const persistence = new StoragePersistence(storage);
      await persistence.check();
      persistence.ask();
      expect(persistence.state).toBe('unsupported');
    }
  });

  it('says what each state means, and what happens without persistence', () => {
    expect(persistenceInWords('unknown')).toBeUndefined();
    expect(persistenceInWords('granted')).toMatch(/^Persistent storage is on/);
    for (const state of ['unsupported', 'not-asked', 'asking', 'refused'] as const) {
      expect(persistenceInWords(state)).toMatch(
        /may delete files waiting to upload when the device runs low on space, and they would then have to be added again\.$/,
      );
    }
  });
});

describe('afterCloseInWords', () => {
  it('with Background Sync, the tab may close; without it, a tab must stay open; both resume on opening', () => {
    expect(afterCloseInWords('background-sync', 1)).toBe(
      'You can close this tab: the upload carries on in the background for a while, and whatever is left resumes when you open Skylift again.',
    );
    expect(afterCloseInWords('background-sync', 3)).toMatch(
      /^You can close this tab: the 3 uploads carry on/,
    );
    expect(afterCloseInWords('page-needed', 1)).toBe(
      'Keep a Skylift tab open until the upload finishes: this browser stops uploading soon after the last Skylift tab closes. It resumes where it stopped when you open Skylift again, without choosing the files again.',
    );
    expect(afterCloseInWords('page-needed', 2)).toMatch(
      /^Keep a Skylift tab open until the 2 uploads finish: .* They resume where they stopped/,
    );
  });

  it('says nothing with nothing unfinished, or before the worker has told', () => {
    expect(afterCloseInWords('page-needed', 0)).toBeUndefined();
    expect(afterCloseInWords(undefined, 2)).toBeUndefined();
  });
});

describe('EngineKeepAlive', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('nudges the worker every interval while anything is unfinished, and stops when nothing is', async () => {
    vi.useFakeTimers();
    const nudge = vi.fn(async () => undefined);
    const keepAlive = new EngineKeepAlive(nudge);
    keepAlive.update(false);
    await vi.advanceTimersByTimeAsync(3 * NUDGE_INTERVAL_MS);
    expect(nudge).not.toHaveBeenCalled();
    // Every snapshot says so again: still one timer.
    keepAlive.update(true);
    keepAlive.update(true);
    await vi.advanceTimersByTimeAsync(3 * NUDGE_INTERVAL_MS);
    expect(nudge).toHaveBeenCalledTimes(3);
    keepAlive.update(false);
    await vi.advanceTimersByTimeAsync(3 * NUDGE_INTERVAL_MS);
    expect(nudge).toHaveBeenCalledTimes(3);
  });

  it('a worker that does not answer is warned about, and the nudges go on', async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const nudge = vi.fn(async () => {
      throw new Error('The upload service worker did not answer; reload the page.');
    });
    const keepAlive = new EngineKeepAlive(nudge, 1000);
    keepAlive.update(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(nudge).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(2);
    keepAlive.stop();
    warn.mockRestore();
  });
});

describe('UploadFeed', () => {
  it('keeps what the worker said of closing the page in its hello', () => {
    const feed = new UploadFeed();
    expect(feed.afterPageCloses).toBeUndefined();
    feed.hello({ uploads: [], history: [], historyMore: false, afterPageCloses: 'page-needed' });
    expect(feed.afterPageCloses).toBe('page-needed');
  });
});
