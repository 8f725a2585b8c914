// ali-oss in the page, for the dashboard's three bucket calls. Its npm entry cannot be bundled by
// Vite (`process is not defined`, ali-oss #1042), so the prebuilt browser build is loaded as a
// classic script — only when the dashboard first needs it, so the main bundle stays small. Vite
// copies it into dist/assets, where the service worker's precache picks it up for offline use.

import sdkUrl from 'ali-oss/dist/aliyun-oss-sdk.min.js?url';
import type { TemporaryCredentials } from '../../lib/credentials/temporary-credentials.ts';

type Query = Record<string, string | number>;

/** What ali-oss 6.23 really returns (oss-api.md §1.5–1.6): strings, and a lone part as an object. */
export interface RawListUploadsResult {
  uploads?: { name: string; uploadId: string; initiated: string }[];
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
  isTruncated?: boolean | string;
}

export interface RawPart {
  PartNumber: string;
  LastModified?: string;
  ETag: string;
  Size: string;
}

export interface RawListPartsResult {
  parts?: RawPart[] | RawPart | '';
  nextPartNumberMarker?: string | number;
  isTruncated?: boolean | string;
}

/** The part of the ali-oss client the dashboard uses. */
export interface AliOssClient {
  listUploads(query: Query): Promise<RawListUploadsResult>;
  listParts(name: string, uploadId: string, query: Query): Promise<RawListPartsResult>;
  abortMultipartUpload(name: string, uploadId: string): Promise<unknown>;
}

export interface AliOssOptions {
  accessKeyId: string;
  accessKeySecret: string;
  stsToken: string;
  bucket: string;
  region: string;
  endpoint: string;
  secure: boolean;
  authorizationV4: true;
  sldEnable: boolean;
  timeout: number;
  refreshSTSToken: () => Promise<{ accessKeyId: string; accessKeySecret: string; stsToken: string }>;
  refreshSTSTokenInterval: number;
}

export type AliOssConstructor = new (options: AliOssOptions) => AliOssClient;

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * Client options for STS credentials. Virtual-hosted `<bucket>.<endpoint host>` as real OSS wants
 * (Chromium resolves `<bucket>.localhost`, so the emulator works the same way); path style only
 * for an IP endpoint, where a bucket sub-domain cannot exist.
 */
export function aliOssOptions(
  credentials: TemporaryCredentials,
  refresh: () => Promise<TemporaryCredentials>,
): AliOssOptions {
  const endpoint = new URL(credentials.endpoint);
  return {
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    stsToken: credentials.securityToken,
    bucket: credentials.bucket,
    region: credentials.region,
    endpoint: endpoint.origin,
    secure: endpoint.protocol === 'https:',
    authorizationV4: true,
    sldEnable: IP_HOST.test(endpoint.hostname),
    timeout: 30_000,
    // Asked before every request: the provider answers from its cache and renews ahead of expiry,
    // so ali-oss never signs with a token the provider already replaced.
    refreshSTSToken: async () => {
      const fresh = await refresh();
      return {
        accessKeyId: fresh.accessKeyId,
        accessKeySecret: fresh.accessKeySecret,
        stsToken: fresh.securityToken,
      };
    },
    refreshSTSTokenInterval: 0,
  };
}

let loading: Promise<AliOssConstructor> | undefined;

/** The global `OSS` constructor of the prebuilt SDK, loading its script on first use. */
export function loadAliOss(): Promise<AliOssConstructor> {
  loading ??= new Promise<AliOssConstructor>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = sdkUrl;
    script.async = true;
    script.onload = () => {
      const OSS = (globalThis as { OSS?: AliOssConstructor }).OSS;
      if (OSS) resolve(OSS);
      else reject(new Error('The OSS SDK loaded but did not define OSS.'));
    };
    script.onerror = () => {
      script.remove();
      loading = undefined; // the next attempt may be online
      reject(new Error('Could not load the OSS SDK script; check the connection and reload.'));
    };
    document.head.append(script);
  });
  return loading;
}
