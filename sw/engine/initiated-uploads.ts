// Multipart uploads that an InitiateMultipartUpload whose answer never arrived may have created, and
// aborting an upload in OSS including those. An upload records when it first sent Initiate (before
// sending it); any upload of exactly its key initiated since then is taken to be its own.
import { OssRequestError } from '../../lib/oss-client/errors.ts';
import type { ListedUpload, OssClient } from '../../lib/oss-client/oss-client.ts';
import type { CleanupRecord } from '../store/schema.ts';

/**
 * How far back before our own first Initiate an upload of the same key may have been initiated and
 * still be ours: the clock skew OSS itself tolerates (RequestTimeTooSkewed, 15 minutes).
 */
const INITIATE_CLOCK_MARGIN_MS = 15 * 60_000;

/** Uploads of exactly `key` initiated since `since` (server ms), newest first, except `others`. */
export async function uploadsInitiatedSince(
  client: OssClient,
  key: string,
  since: number,
  others: ReadonlySet<string> = new Set(),
): Promise<ListedUpload[]> {
  const from = since - INITIATE_CLOCK_MARGIN_MS;
  return (await client.listUploads(key))
    .filter((u) => u.key === key && Date.parse(u.initiated) >= from && !others.has(u.uploadId))
    .sort((a, b) => Date.parse(b.initiated) - Date.parse(a.initiated));
}

/** OSS lists `Initiated` to the second. */
const INITIATED_PRECISION_MS = 1000;

/**
 * Other uploads of exactly `key` that OSS initiated at most `withinMs` before `uploadId` (by OSS's own
 * clock, so device skew does not matter), except `others`: the ones a replay of the same Initiate
 * created. A network stack resends a request whose reused connection closed before one byte of the
 * answer (Chromium does, unseen by the page or the worker); OSS may have applied the first one.
 */
export async function replayedInitiates(
  client: OssClient,
  key: string,
  uploadId: string,
  withinMs: number,
  others: ReadonlySet<string> = new Set(),
): Promise<ListedUpload[]> {
  const listed = (await client.listUploads(key)).filter((u) => u.key === key);
  const ours = listed.find((u) => u.uploadId === uploadId);
  if (!ours) return [];
  const at = Date.parse(ours.initiated);
  const from = at - withinMs - INITIATED_PRECISION_MS;
  return listed.filter((u) => {
    const initiated = Date.parse(u.initiated);
    return u.uploadId !== uploadId && !others.has(u.uploadId) && initiated >= from && initiated <= at;
  });
}

const isGone = (error: unknown) => error instanceof OssRequestError && error.code === 'NoSuchUpload';

/**
 * Aborts the upload's multipart upload; when its id was never learnt, every one its Initiates may
 * have created (except `others`, the ones this browser's other uploads own). With the id known there
 * is nothing else: an Initiate retried after a lost answer adopts the upload it created. Temporary
 * objects the record names (Background Fetch's parts) are deleted first.
 */
export async function abortInOss(
  client: OssClient,
  cleanup: CleanupRecord,
  others: ReadonlySet<string>,
): Promise<void> {
  if (cleanup.temporaries?.length) await client.deleteObjects(cleanup.temporaries);
  const uploadIds = new Set<string>();
  if (cleanup.uploadId) uploadIds.add(cleanup.uploadId);
  else if (cleanup.initiatedSince !== undefined) {
    for (const upload of await uploadsInitiatedSince(client, cleanup.key, cleanup.initiatedSince, others)) {
      uploadIds.add(upload.uploadId);
    }
  }
  for (const uploadId of uploadIds) {
    await client.abortMultipartUpload(cleanup.key, uploadId).catch((error: unknown) => {
      if (!isGone(error)) throw error;
    });
  }
}
