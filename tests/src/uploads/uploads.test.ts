import { describe, expect, it, vi } from 'vitest';
import type { UploadView } from '../../../lib/protocol/messages.ts';
import { EndingTracker, notificationFor } from '../../../src/uploads/finish-alerts.ts';
import {
  keyPrefixProblem,
  loadKeyPrefix,
  objectKey,
  saveKeyPrefix,
  shortName,
} from '../../../src/uploads/key-prefix.ts';
import { PartStatesFeed } from '../../../src/uploads/part-states-feed.ts';
import { type EntryLike, filesOfEntry, pickedFromFiles } from '../../../src/uploads/picked-files.ts';
import { prepareBatch } from '../../../src/uploads/prepare-batch.ts';
import { UploadIntake } from '../../../src/uploads/upload-intake.ts';
import {
  countsInWords,
  nextTryInWords,
  progressInWords,
  speedInWords,
  stateInWords,
} from '../../../src/uploads/upload-words.ts';

const MiB = 1024 * 1024;

function view(overrides: Partial<UploadView> = {}): UploadView {
  return {
    id: 'u1',
    key: 'uploads/a.bin',
    fileName: 'a.bin',
    size: 40 * MiB,
    lastModified: 1000,
    state: 'uploading',
    retrying: false,
    attempt: 1,
    bytesConfirmed: 0,
    bytesInFlight: 0,
    partsDone: 0,
    partsTotal: 5,
    speed: 0,
    createdAt: 0,
    ...overrides,
  };
}

const file = (name: string, size = 10, lastModified = 1000) =>
  new File([new Uint8Array(size)], name, { lastModified });

describe('upload words', () => {
  it('says every state, with the attempt while retrying and the reason when failed', () => {
    expect(stateInWords(view({ state: 'waiting-for-network' }))).toBe('waiting for network');
    expect(stateInWords(view({ retrying: true, attempt: 3 }))).toBe('retrying — attempt 3');
    expect(stateInWords(view({ state: 'needs-file' }))).toBe('needs the file again');
    expect(
      stateInWords(view({ state: 'failed', problem: { code: 'AccessDenied', message: 'Ask for access.' } })),
    ).toBe('failed: Ask for access.');
  });

  it('counts down to the next try, never below 0', () => {
    const u = view({ retrying: true, attempt: 2, nextTryAt: 10_500 });
    expect(nextTryInWords(u, 7_000)).toBe('next try in 4 s');
    expect(nextTryInWords(u, 20_000)).toBe('next try in 0 s');
    expect(nextTryInWords(view(), 0)).toBeUndefined();
  });

  it('shows progress with in-flight bytes, capped at the size, and speed with time left', () => {
    expect(progressInWords(view({ bytesConfirmed: 10 * MiB, bytesInFlight: 2 * MiB }))).toBe(
      '12 MiB of 40 MiB (30 %)',
    );
    expect(progressInWords(view({ bytesConfirmed: 40 * MiB, bytesInFlight: 5 }))).toBe(
      '40 MiB of 40 MiB (100 %)',
    );
    expect(progressInWords(view({ size: 0, state: 'done' }))).toBe('0 bytes of 0 bytes (100 %)');
    expect(speedInWords(view({ speed: 2_500_000, etaSeconds: 74.2 }))).toBe('2.5 MB/s, 1 min left');
    expect(speedInWords(view({ speed: 2_500_000, etaSeconds: 9.1 }))).toBe('2.5 MB/s, 10 s left');
    expect(speedInWords(view({ speed: 0 }))).toBeUndefined();
  });

  it('counts uploads by state', () => {
    expect(
      countsInWords([
        view(),
        view({ state: 'completing' }),
        view({ state: 'done' }),
        view({ state: 'failed' }),
      ]),
    ).toBe('4 uploads: 2 uploading, 1 failed, 1 done');
    expect(countsInWords([])).toBe('0 uploads');
  });
});

describe('keys', () => {
  it('are token prefix + own prefix + relative path', () => {
    expect(objectKey('uploads/', 'trip/', 'photos/a b#?.jpg')).toBe('uploads/trip/photos/a b#?.jpg');
    expect(objectKey('uploads/', '', '/x')).toBe('uploads/x');
  });

  it('refuse prefixes OSS would mangle, and say why', () => {
    expect(keyPrefixProblem('trip/2024/')).toBeUndefined();
    expect(keyPrefixProblem('')).toBeUndefined();
    expect(keyPrefixProblem('/trip')).toMatch(/not \/ or/);
    expect(keyPrefixProblem('a//b')).toMatch(/single slashes/);
    expect(keyPrefixProblem('a\tb')).toMatch(/control characters/);
  });

  it('keep the own prefix in storage', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    };
    expect(loadKeyPrefix(storage)).toBe('');
    saveKeyPrefix('trip/', storage);
    expect(loadKeyPrefix(storage)).toBe('trip/');
  });

  it('shortens names for messages by characters, not code units', () => {
    expect(shortName('a'.repeat(1000))).toHaveLength(80);
    expect(shortName('😀'.repeat(100))).toBe(`${'😀'.repeat(79)}…`);
    expect(shortName('short')).toBe('short');
  });
});

describe('preparing a batch', () => {
  const context = {
    tokenPrefix: 'uploads/',
    ownPrefix: '',
    unfinished: [],
    optionsFor: (key: string) => ({ key }),
  };

  it('queues files under their keys with the options the settings give', () => {
    const batch = prepareBatch(pickedFromFiles([file('a.bin'), file('<b>.bin')]), {
      ...context,
      optionsFor: (key) => ({ key, parallel: 3 }),
    });
    expect(batch.items.map((i) => i.options)).toEqual([
      { key: 'uploads/a.bin', parallel: 3 },
      { key: 'uploads/<b>.bin', parallel: 3 },
    ]);
    expect(batch.refused).toEqual([]);
  });

  it('refuses keys over 1023 bytes before queueing, with what to do', () => {
    const long = 'é'.repeat(600); // 1200 bytes in UTF-8
    const batch = prepareBatch(pickedFromFiles([file(long), file('ok.bin')]), context);
    expect(batch.items).toHaveLength(1);
    expect(batch.refused).toEqual([
      `${'é'.repeat(79)}… was not queued: The object key is longer than 1023 bytes. Rename it or shorten the key prefix.`,
    ]);
    // 1015 ASCII characters + "uploads/" = exactly 1023 bytes: allowed.
    expect(prepareBatch(pickedFromFiles([file('a'.repeat(1015))]), context).items).toHaveLength(1);
    expect(prepareBatch(pickedFromFiles([file('a'.repeat(1016))]), context).refused).toHaveLength(1);
  });

  it('says when the settings do not fit a file, without repeating its key', () => {
    const batch = prepareBatch(pickedFromFiles([file('big.bin')]), {
      ...context,
      optionsFor: (key) => {
        throw new Error(`${key}: Use parts of at least 1 MiB.`);
      },
    });
    expect(batch.refused).toEqual(['big.bin was not queued: Use parts of at least 1 MiB.']);
  });

  it('does not queue a file that is already unfinished, or the same file twice in one batch', () => {
    const batch = prepareBatch(pickedFromFiles([file('a.bin'), file('b.bin'), file('b.bin')]), {
      ...context,
      unfinished: [{ key: 'uploads/a.bin', size: 10, lastModified: 1000, stateWords: 'uploading' }],
    });
    expect(batch.items.map((i) => i.options.key)).toEqual(['uploads/b.bin']);
    expect(batch.duplicates).toEqual([
      'a.bin is already in the list (uploading), so it was not added again.',
      'b.bin is already in the list (chosen twice), so it was not added again.',
    ]);
    // Another size or modification time is another file.
    const other = prepareBatch(pickedFromFiles([file('a.bin', 11), file('a.bin', 10, 2000)]), {
      ...context,
      unfinished: [{ key: 'uploads/a.bin', size: 10, lastModified: 1000, stateWords: 'uploading' }],
    });
    expect(other.items).toHaveLength(2);
  });
});

describe('the intake', () => {
  it('sees its own earlier batch before any snapshot lists it, and forgets it once finished', async () => {
    const enqueue = vi.fn(async (items: unknown[]) =>
      items.map((_, i) => `id-${enqueue.mock.calls.length}-${i}`),
    );
    const intake = new UploadIntake({
      tokenPrefix: async () => 'uploads/',
      optionsFor: (key) => ({ key }),
      enqueue,
    });
    const a = file('a.bin');
    const [first, second] = await Promise.all([
      intake.add([{ file: a, relativePath: 'a.bin' }], ''),
      intake.add([{ file: a, relativePath: 'a.bin' }], ''),
    ]);
    expect(first).toMatchObject({ queued: 1, duplicates: [] });
    expect(second).toMatchObject({
      queued: 0,
      duplicates: ['a.bin is already in the list (queued), so it was not added again.'],
    });
    expect(enqueue).toHaveBeenCalledTimes(1);

    intake.seen([view({ id: 'id-1-0', key: 'uploads/a.bin', size: 10, lastModified: 1000, state: 'done' })]);
    expect(await intake.add([{ file: a, relativePath: 'a.bin' }], '')).toMatchObject({ queued: 1 });
  });

  it('reports a failed hand-over as one error', async () => {
    const intake = new UploadIntake({
      tokenPrefix: async () => 'uploads/',
      optionsFor: (key) => ({ key }),
      enqueue: async () => {
        throw new Error('a.bin changed on disk. Select this file again.');
      },
    });
    expect(await intake.add([{ file: file('a.bin'), relativePath: 'a.bin' }], '')).toEqual({
      queued: 0,
      refused: [],
      duplicates: [],
      error: 'a.bin changed on disk. Select this file again.',
    });
  });
});

describe('folders', () => {
  function dir(path: string, children: EntryLike[], batchSize = 2): EntryLike {
    return {
      isFile: false,
      isDirectory: true,
      name: path.split('/').at(-1)!,
      fullPath: `/${path}`,
      createReader() {
        let at = 0;
        return {
          readEntries(success: (entries: EntryLike[]) => void) {
            const batch = children.slice(at, at + batchSize);
            at += batchSize;
            setTimeout(() => success(batch));
          },
        };
      },
    } as EntryLike;
  }
  function leaf(path: string): EntryLike {
    const name = path.split('/').at(-1)!;
    return {
      isFile: true,
      isDirectory: false,
      name,
      fullPath: `/${path}`,
      file: (success: (f: File) => void) => success(file(name)),
    } as EntryLike;
  }

  it('walks every batch of every level, in name order, keeping relative paths', async () => {
    const tree = dir('trip', [
      leaf('trip/c.jpg'),
      dir('trip/day 1', [leaf('trip/day 1/b #1.jpg'), leaf('trip/day 1/a?.jpg')]),
      leaf('trip/a.jpg'),
      leaf('trip/b.jpg'),
    ]);
    const picked = await filesOfEntry(tree);
    expect(picked.map((p) => p.relativePath)).toEqual([
      'trip/a.jpg',
      'trip/b.jpg',
      'trip/c.jpg',
      'trip/day 1/a?.jpg',
      'trip/day 1/b #1.jpg',
    ]);
    expect(picked[0]!.file.name).toBe('a.jpg');
  });
});

describe('endings and notifications', () => {
  it('reports only changes to done or failed after the first snapshot', () => {
    const tracker = new EndingTracker();
    expect(tracker.next([view({ id: 'a', state: 'done' }), view({ id: 'b' })])).toEqual([]);
    expect(tracker.next([view({ id: 'a', state: 'done' }), view({ id: 'b' })])).toEqual([]);
    const endings = tracker.next([view({ id: 'a', state: 'done' }), view({ id: 'b', state: 'failed' })]);
    expect(endings.map((e) => [e.upload.id, e.outcome])).toEqual([['b', 'failed']]);
  });

  it('words one notification per burst', () => {
    const done = { upload: view({ fileName: 'a.bin', state: 'done' }), outcome: 'done' } as const;
    const failed = {
      upload: view({
        fileName: 'b.bin',
        state: 'failed',
        problem: { code: 'X', message: 'Ask for access.' },
      }),
      outcome: 'failed',
    } as const;
    expect(notificationFor([])).toBeUndefined();
    expect(notificationFor([done])).toEqual({ title: 'Upload finished', body: 'a.bin' });
    expect(notificationFor([failed])).toEqual({ title: 'Upload failed', body: 'b.bin: Ask for access.' });
    expect(notificationFor([done, done, failed])).toEqual({
      title: 'Uploads need attention',
      body: '2 finished, 1 failed.',
    });
  });
});

describe('part states', () => {
  it('reads at most once per gap, and once more after the last change', async () => {
    const read = vi.fn(async () => ['done' as const]);
    const seen: unknown[] = [];
    const feed = new PartStatesFeed((s) => seen.push(s), 20, read);
    for (let i = 0; i < 10; i++) feed.changed({ id: 'u', state: 'uploading' });
    await new Promise((r) => setTimeout(r, 100));
    expect(read).toHaveBeenCalledTimes(2);
    expect(seen).toHaveLength(2);
    feed.stop();
  });
});
