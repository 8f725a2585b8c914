import { describe, expect, it } from 'vitest';
import type { UploadView } from '../../../lib/protocol/messages.ts';
import { UploadFeed } from '../../../src/uploads/upload-feed.ts';

const view = (id: string, state: UploadView['state'], finishedAt?: number): UploadView =>
  ({ id, state, finishedAt, createdAt: 0 }) as UploadView;

describe('UploadFeed', () => {
  it('keeps unfinished uploads from the latest snapshot and every finished one it heard of, newest first', () => {
    const feed = new UploadFeed();
    feed.hello({
      uploads: [view('a', 'uploading')],
      history: [view('h2', 'done', 20), view('h1', 'done', 10)],
      historyMore: true,
    });
    expect(feed.views().map((v) => v.id)).toEqual(['a', 'h2', 'h1']);
    // "a" finishes: the snapshot lists it as finished and no longer as unfinished.
    feed.snapshot({ uploads: [view('b', 'queued')], finished: [view('a', 'done', 30)] });
    feed.snapshot({ uploads: [view('b', 'uploading')], finished: [view('a', 'done', 30)] });
    expect(feed.views().map((v) => `${v.id}:${v.state}`)).toEqual([
      'b:uploading',
      'a:done',
      'h2:done',
      'h1:done',
    ]);
    expect(feed.cursor()).toEqual({ finishedAt: 10, id: 'h1' });
    expect(feed.historyMore).toBe(true);
    feed.page({ history: [view('h0', 'done', 10), view('g', 'aborted', 5)], historyMore: false });
    expect(feed.views().map((v) => v.id)).toEqual(['b', 'a', 'h2', 'h1', 'h0', 'g']);
    expect(feed.historyMore).toBe(false);
  });

  it('lets a snapshot heard before the hello answer win for unfinished uploads', () => {
    const feed = new UploadFeed();
    feed.snapshot({ uploads: [view('a', 'uploading')], finished: [] });
    feed.hello({ uploads: [view('a', 'queued')], history: [], historyMore: false });
    expect(feed.views()).toEqual([view('a', 'uploading')]);
  });
});
