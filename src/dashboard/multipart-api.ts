// The dashboard's three OSS operations, through the project's own OSS client (lib/oss-client: the
// shared V4 signer, every listing page followed, a stale token replaced once) — the same client the
// upload engine uses, so the page ships no second OSS SDK.

import type { CredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import { createOssClient, type ListedPart, type ListedUpload } from '../../lib/oss-client/oss-client.ts';

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
  /** The key prefix whose unfinished uploads the credentials may list and abort. */
  prefix: string;
  /** The prefix is every user's, not the person's own: they administer Skylift. */
  allUsers: boolean;
}

export async function connectDashboardOss(
  provider: CredentialsProvider,
  fetch?: typeof globalThis.fetch,
): Promise<DashboardOss> {
  const credentials = await provider.get();
  const client = createOssClient({ credentials: provider, fetch });
  return {
    api: {
      listUploads: (prefix) => client.listUploads(prefix),
      listParts: (key, uploadId) => client.listParts(key, uploadId),
      abort: (key, uploadId) => client.abortMultipartUpload(key, uploadId),
    },
    bucket: credentials.bucket,
    prefix: credentials.listPrefix ?? credentials.prefix,
    allUsers: (credentials.listPrefix ?? credentials.prefix) !== credentials.prefix,
  };
}
