// What OSS holds, seen with the emulator's root key: the runner's own checks, never the app's path
// (the app only ever has STS tokens limited to its prefix). Listings go through the project's OSS
// client (lib/oss-client) with root credentials; objects are read whole and hashed as they stream.

import { type EmulatorTarget, emulatorRequest } from '../harness/emulator-root.ts';
import type { CredentialsProvider } from '../lib/credentials/credentials-provider.ts';
import { crc64ToHeader, createCrc64 } from '../lib/oss/crc64.ts';
import { createMd5, md5DigestToHex } from '../lib/oss/etag.ts';
import { createOssClient, type ListedPart, type ListedUpload } from '../lib/oss-client/oss-client.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';

export interface ObjectDigest {
  size: number;
  md5: string;
  crc64: string;
}

export class OssView {
  private readonly client;

  constructor(readonly target: EmulatorTarget) {
    const credentials: CredentialsProvider = {
      // The root key pair; no security token, so requests are signed as the account itself.
      get: async () => ({
        accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
        accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
        securityToken: '',
        expiration: new Date(Date.now() + 3_600_000).toISOString(),
        region: EMULATOR_DEFAULTS.region,
        bucket: target.bucket,
        endpoint: target.url,
        prefix: '',
      }),
      invalidate: () => undefined,
    };
    this.client = createOssClient({ credentials });
  }

  /** Size, MD5 and CRC64 of the object's bytes as GetObject returns them; undefined when there is none. */
  async digest(key: string): Promise<ObjectDigest | undefined> {
    const response = await emulatorRequest('GET', key, this.target);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200 || !response.body) {
      throw new Error(`GetObject ${key}: HTTP ${response.status} ${await response.text()}`);
    }
    const md5 = await createMd5();
    const crc = await createCrc64();
    let size = 0;
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      md5.update(chunk.value);
      crc.update(chunk.value);
      size += chunk.value.length;
    }
    return { size, md5: md5DigestToHex(md5.digest()), crc64: crc64ToHeader(crc.digest()) };
  }

  /** Every multipart upload under `prefix`. */
  uploads(prefix: string): Promise<ListedUpload[]> {
    return this.client.listUploads(prefix);
  }

  parts(key: string, uploadId: string): Promise<ListedPart[]> {
    return this.client.listParts(key, uploadId);
  }
}
