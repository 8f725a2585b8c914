// The dashboard's three OSS operations, with every page fetched and ali-oss's loose result shapes
// made into numbers and arrays (oss-api.md §1.5–1.6).

import type { CredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import { withFreshCredentials } from '../../lib/credentials/with-fresh-credentials.ts';
import type { ListedPart, ListedUpload } from '../../lib/oss-client/oss-client.ts';
import {
  type AliOssClient,
  type AliOssConstructor,
  aliOssOptions,
  loadAliOss,
  type RawListPartsResult,
  type RawPart,
} from './ali-oss.ts';

export interface MultipartApi {
  /** Every unfinished multipart upload under `prefix`, by key then upload id. */
  listUploads(prefix: string): Promise<ListedUpload[]>;
  /** Every part OSS holds for the upload, ascending. */
  listParts(key: string, uploadId: string): Promise<ListedPart[]>;
  abort(key: string, uploadId: string): Promise<void>;
}

export interface DashboardOss {
  api: MultipartApi;
  bucket: string;
  /** The key prefix the credentials may touch. */
  prefix: string;
}

/** OSS pages at most 1000 uploads or parts; ask for full pages. */
export const PAGE_SIZE = 1000;

const truthy = (value: boolean | string | undefined) => value === true || value === 'true';

export function normalizeParts(result: RawListPartsResult): ListedPart[] {
  const raw = result.parts;
  const list: RawPart[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((p) => ({ partNumber: Number(p.PartNumber), etag: p.ETag, size: Number(p.Size) }));
}

export function multipartApi(client: AliOssClient): MultipartApi {
  return {
    async listUploads(prefix) {
      const uploads: ListedUpload[] = [];
      let keyMarker = '';
      let uploadIdMarker = '';
      for (;;) {
        const page = await client.listUploads({
          prefix,
          'max-uploads': PAGE_SIZE,
          ...(keyMarker ? { 'key-marker': keyMarker, 'upload-id-marker': uploadIdMarker } : {}),
        });
        for (const u of page.uploads ?? []) {
          uploads.push({ key: u.name, uploadId: u.uploadId, initiated: u.initiated });
        }
        const nextKey = page.nextKeyMarker ?? '';
        const nextId = page.nextUploadIdMarker ?? '';
        if (!truthy(page.isTruncated)) return uploads;
        // A server that says "more" without moving the marker would keep us here forever.
        if (nextKey === '' || (nextKey === keyMarker && nextId === uploadIdMarker)) {
          throw new Error('ListMultipartUploads said there is more but gave no new marker.');
        }
        keyMarker = nextKey;
        uploadIdMarker = nextId;
      }
    },
    async listParts(key, uploadId) {
      const parts: ListedPart[] = [];
      let marker = 0;
      for (;;) {
        const page = await client.listParts(key, uploadId, {
          'max-parts': PAGE_SIZE,
          'part-number-marker': marker,
        });
        parts.push(...normalizeParts(page));
        if (!truthy(page.isTruncated)) return parts;
        const next = Number(page.nextPartNumberMarker);
        if (!(next > marker)) throw new Error('ListParts said there is more but gave no new marker.');
        marker = next;
      }
    },
    async abort(key, uploadId) {
      await client.abortMultipartUpload(key, uploadId);
    },
  };
}

/** Runs each call once more with new credentials after SecurityTokenExpired/InvalidSecurityToken. */
function withRetryOnStaleToken(api: MultipartApi, provider: CredentialsProvider): MultipartApi {
  // ali-oss asks the provider before every request (refreshSTSToken), so after invalidate() the
  // second run is signed with the new token.
  const again =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A) =>
      withFreshCredentials(provider, () => call(...args));
  return {
    listUploads: again(api.listUploads),
    listParts: again(api.listParts),
    abort: again(api.abort),
  };
}

export async function connectDashboardOss(
  provider: CredentialsProvider,
  load: () => Promise<AliOssConstructor> = loadAliOss,
): Promise<DashboardOss> {
  const [OSS, credentials] = await Promise.all([load(), provider.get()]);
  const client = new OSS(aliOssOptions(credentials, () => provider.get()));
  return {
    api: withRetryOnStaleToken(multipartApi(client), provider),
    bucket: credentials.bucket,
    prefix: credentials.prefix,
  };
}
