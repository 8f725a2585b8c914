// Background Fetch (Chromium; WICG Background Fetch) as the page and the worker use it: the API's
// shapes, which TypeScript's DOM libraries do not declare, and the plan the worker hands a page.
// Chromium lets only a page start a background fetch ("not allowed in service worker environments"),
// so the worker prepares the signed requests and the page starts the fetch.

export interface BackgroundFetchRecordLike {
  readonly request: Request;
  readonly responseReady: Promise<Response>;
}

export interface BackgroundFetchRegistrationLike extends EventTarget {
  readonly id: string;
  readonly uploaded: number;
  readonly uploadTotal: number;
  readonly result: '' | 'success' | 'failure';
  readonly failureReason: string;
  abort(): Promise<boolean>;
  matchAll(): Promise<BackgroundFetchRecordLike[]>;
}

export interface BackgroundFetchManagerLike {
  fetch(
    id: string,
    requests: Request[],
    options?: {
      title?: string;
      icons?: { src: string; sizes?: string; type?: string }[];
      downloadTotal?: number;
    },
  ): Promise<BackgroundFetchRegistrationLike>;
  get(id: string): Promise<BackgroundFetchRegistrationLike | undefined>;
  getIds(): Promise<string[]>;
}

/** The registration's Background Fetch manager, where the browser has one. */
export function backgroundFetchOf(
  registration: ServiceWorkerRegistration,
): BackgroundFetchManagerLike | undefined {
  return (registration as ServiceWorkerRegistration & { backgroundFetch?: BackgroundFetchManagerLike })
    .backgroundFetch;
}

/** Registration ids name the upload they carry: `skylift-upload:<upload id>:<start time>`. */
const ID_PREFIX = 'skylift-upload:';

export function backgroundFetchId(uploadId: string, startedAt: number): string {
  return `${ID_PREFIX}${uploadId}:${startedAt}`;
}

/** The upload a registration id carries, or undefined for someone else's registration. */
export function uploadOfBackgroundFetch(id: string): string | undefined {
  if (!id.startsWith(ID_PREFIX)) return undefined;
  return id.slice(ID_PREFIX.length, id.lastIndexOf(':'));
}

/** One part as a PostObject request; `#part=N` (never sent) tells the worker which part a record is. */
export interface BackgroundFetchRequest {
  url: string;
  body: Blob;
  contentType: string;
}

/** What a page starts: the worker has already taken the upload off its own sending. */
export interface BackgroundFetchPlan {
  id: string;
  title: string;
  requests: BackgroundFetchRequest[];
}

/** `url#part=N` → N. */
export function partOfRequestUrl(url: string): number | undefined {
  const match = /#part=(\d+)$/.exec(url);
  return match ? Number(match[1]) : undefined;
}

export function requestUrlForPart(url: string, partNumber: number): string {
  return `${url}#part=${partNumber}`;
}
