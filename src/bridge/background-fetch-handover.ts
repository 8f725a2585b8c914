// The page's half of the Background Fetch transport. Chromium lets only a page start a background
// fetch, so while a page is open it offers the worker to hand each unfinished upload over; the worker
// answers with a plan for the uploads that should go that way (sw/background-fetch/transport.ts), and
// the page starts it. The browser then shows it in its own downloads UI and keeps sending with no page
// open; this page shows the same bytes (the registration's `uploaded`) in the upload's progress.

import {
  type BackgroundFetchManagerLike,
  type BackgroundFetchPlan,
  type BackgroundFetchRegistrationLike,
  backgroundFetchOf,
  uploadOfBackgroundFetch,
} from '../../lib/protocol/background-fetch.ts';
import type { UploadView } from '../../lib/protocol/messages.ts';

/** An upload the worker kept is offered again after this (its remaining size may have changed). */
const ASK_AGAIN_MS = 60_000;

const ICONS = [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }];

export interface HandoverChannel {
  handover(uploadId: string): Promise<BackgroundFetchPlan | undefined>;
  failed(uploadId: string, reason: string): Promise<void>;
}

export class BackgroundFetchHandover {
  private readonly asked = new Map<string, number>();
  /** Bytes each upload's background fetch has sent so far, by upload id. */
  private readonly uploaded = new Map<string, number>();
  private readonly watched = new Set<string>();
  private busy = false;

  constructor(
    private readonly channel: HandoverChannel,
    /** Progress of a background fetch changed: the views should be shown again. */
    private readonly changed: () => void,
    private readonly manager: () => Promise<BackgroundFetchManagerLike | undefined> = async () =>
      'serviceWorker' in navigator ? backgroundFetchOf(await navigator.serviceWorker.ready) : undefined,
  ) {}

  /** The views with the bytes background fetches have sent counted as in flight. */
  overlay(views: UploadView[]): UploadView[] {
    return views.map((view) => {
      const sent = this.uploaded.get(view.id);
      if (sent === undefined) return view;
      return {
        ...view,
        bytesInFlight: Math.min(view.size - view.bytesConfirmed, Math.max(view.bytesInFlight, sent)),
      };
    });
  }

  /** Called with every update of the views: offers unfinished uploads, watches running fetches. */
  async update(views: readonly UploadView[]): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const manager = await this.manager();
      if (!manager) return;
      const running = new Set<string>();
      for (const id of await manager.getIds()) {
        const uploadId = uploadOfBackgroundFetch(id);
        if (uploadId === undefined) continue;
        running.add(uploadId);
        const registration = await manager.get(id);
        if (registration) this.watch(uploadId, registration);
      }
      const now = Date.now();
      for (const view of views) {
        if (view.state !== 'queued' && view.state !== 'uploading') continue;
        if (running.has(view.id) || now - (this.asked.get(view.id) ?? 0) < ASK_AGAIN_MS) continue;
        this.asked.set(view.id, now);
        await this.start(manager, view.id);
      }
    } catch (error) {
      console.warn('[skylift] Background Fetch hand-over', error);
    } finally {
      this.busy = false;
    }
  }

  private async start(manager: BackgroundFetchManagerLike, uploadId: string): Promise<void> {
    const plan = await this.channel.handover(uploadId);
    if (!plan) return;
    try {
      const requests = plan.requests.map(
        (r) =>
          new Request(r.url, { method: 'POST', body: r.body, headers: { 'Content-Type': r.contentType } }),
      );
      const registration = await manager.fetch(plan.id, requests, { title: plan.title, icons: ICONS });
      this.watch(uploadId, registration);
    } catch (error) {
      // Refused (no permission, no room for the browser's copy…): the worker sends it itself.
      await this.channel.failed(uploadId, error instanceof Error ? error.message : String(error));
    }
  }

  private watch(uploadId: string, registration: BackgroundFetchRegistrationLike): void {
    if (this.watched.has(registration.id)) return;
    this.watched.add(registration.id);
    const update = () => {
      if (registration.result === '') this.uploaded.set(uploadId, registration.uploaded);
      else this.uploaded.delete(uploadId);
      this.changed();
    };
    registration.addEventListener('progress', update);
    update();
  }
}
