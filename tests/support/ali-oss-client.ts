// Conformance harness: the real ali-oss Node client against an emulator with the real authenticator.
// Builds on emulator.ts (temp data dir, restart, raw requests); adds clients,
// STS credentials, source files on disk and end-to-end content digests. Free of any test runner, so
// the Playwright specs (e2e/emulator-*.spec.ts) use it too.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OSS from 'ali-oss';
import type { TemporaryCredentials } from '../../lib/credentials/temporary-credentials.ts';
import { crc64, crc64ToHeader } from '../../lib/oss/crc64.ts';
import { md5Hex, multipartEtag, quoteEtag } from '../../lib/oss/etag.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';
import type { EmulatorOptions } from '../../server/emulator/server.ts';
import { BUCKET, startTestEmulator, type TestEmulator } from './emulator.ts';

export { BUCKET, testBytes } from './emulator.ts';

export const ROOT = {
  accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
  accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
} as const;

export const KIB = 1024;

/** An emulator that checks signatures and STS tokens like OSS (the fixture's allow-all authenticator is off). */
export function startSignedEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  return startTestEmulator({ authenticator: undefined, ...options });
}

export type ClientOptions = Partial<OSS.Options> & { refreshSTSTokenInterval?: number };

/** ali-oss on the emulator's default bucket (`cname: true`, so the URL carries no bucket), V4 unless told. */
export function ossClient(emulator: { url: string }, options: ClientOptions = {}): OSS {
  return new OSS({
    region: EMULATOR_DEFAULTS.region,
    ...ROOT,
    bucket: BUCKET,
    endpoint: emulator.url,
    cname: true,
    authorizationV4: true,
    ...options,
  });
}

/**
 * ali-oss signed with credentials from the token service, as the product holds them: on their own
 * bucket by default (`cname`, the URL names no bucket), another bucket by a path-style URL.
 */
export function ossClientWithToken(credentials: TemporaryCredentials, bucket = credentials.bucket): OSS {
  return ossClient(
    { url: credentials.endpoint },
    {
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      stsToken: credentials.securityToken,
      region: credentials.region,
      bucket,
      ...(bucket === credentials.bucket ? {} : { cname: false, sldEnable: true }),
      // Never called within the tests; set so ali-oss does not warn about its absence.
      refreshSTSToken: async () => ({ accessKeyId: '', accessKeySecret: '', stsToken: '' }),
    },
  );
}

export const stsClient = (emulator: { url: string }) =>
  // @types/ali-oss omits `endpoint`, which lib/sts.js reads like every other option.
  new OSS.STS({ ...ROOT, endpoint: `${emulator.url}/-/sts` } as OSS.STSOptions);

export async function assumeRole(emulator: { url: string }, seconds: number): Promise<OSS.Credentials> {
  const { credentials } = await stsClient(emulator).assumeRole(
    EMULATOR_DEFAULTS.roleArn,
    undefined,
    seconds,
    'conformance',
  );
  return credentials;
}

/** The options ali-oss takes (and `refreshSTSToken` returns) for a set of STS credentials. */
export const stsOptions = (c: OSS.Credentials) => ({
  accessKeyId: c.AccessKeyId,
  accessKeySecret: c.AccessKeySecret,
  stsToken: c.SecurityToken,
});

/** Writes `data` to a file in the emulator's temp dir (removed by dispose) and returns its path. */
export async function sourceFile(emulator: TestEmulator, name: string, data: Buffer): Promise<string> {
  const path = join(emulator.dataDir, `source-${name}`);
  await writeFile(path, data);
  return path;
}

/** ali-oss's failure, whatever it throws (its cancel/abort events are plain objects, not Errors). */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}

/** The OSS error code a call fails with, or 'no error' when it succeeds. */
export async function ossErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

/** The HTTP status of an ali-oss result. */
export const statusOf = (result: unknown) => (result as { res: { status: number } }).res.status;

export const headerOf = (res: { headers: object }, name: string) =>
  (res.headers as Record<string, string | undefined>)[name];

/** Quoted multipart ETag OSS gives `source` uploaded in parts of `partSize` (OSS API reference: "Common HTTP headers", ETag). */
export async function expectedMultipartEtag(source: Uint8Array, partSize: number): Promise<string> {
  const etags: string[] = [];
  for (let at = 0; at < source.length; at += partSize) {
    etags.push(await md5Hex(source.subarray(at, at + partSize)));
  }
  return multipartEtag(etags);
}

export interface Digests {
  size: number;
  md5: string;
  /** GetObject's and HeadObject's x-oss-hash-crc64ecma (both describe the whole object). */
  getCrc64: string | undefined;
  headCrc64: string | undefined;
  etag: string | undefined;
}

/** What `source` stored as one object (or, with partSize, as a multipart upload) must read back as. */
export async function sourceDigests(source: Uint8Array, multipart?: { partSize: number }): Promise<Digests> {
  const crc = crc64ToHeader(await crc64(source));
  return {
    size: source.length,
    md5: await md5Hex(source),
    getCrc64: crc,
    headCrc64: crc,
    etag: multipart
      ? await expectedMultipartEtag(source, multipart.partSize)
      : quoteEtag(await md5Hex(source)),
  };
}

/** Reads `name` back through ali-oss (GET and HEAD); compare with sourceDigests(). Vitest and Playwright alike. */
export async function storedDigests(client: OSS, name: string): Promise<Digests> {
  const got = await client.get(name);
  const content = got.content as Uint8Array;
  const head = await client.head(name);
  return {
    size: content.length,
    md5: await md5Hex(content),
    getCrc64: headerOf(got.res, 'x-oss-hash-crc64ecma'),
    headCrc64: headerOf(head.res, 'x-oss-hash-crc64ecma'),
    etag: headerOf(head.res, 'etag'),
  };
}

/** A part as ali-oss hands it through from ListParts' XML: strings, whatever @types/ali-oss says. */
export interface ListedPart {
  PartNumber: string;
  ETag: string;
  Size: string;
}

/**
 * ali-oss listParts() with only the query fields given (@types marks all required), its `parts` made
 * an array (xml2js gives a lone <Part> as an object).
 */
export async function listParts(
  client: OSS,
  name: string,
  uploadId: string,
  query: { 'max-parts'?: number; 'part-number-marker'?: number } = {},
): Promise<{ parts: ListedPart[]; isTruncated: string; nextPartNumberMarker: string }> {
  const result = await client.listParts(name, uploadId, query as OSS.ListPartsQuery);
  const parts = result.parts as unknown as ListedPart | ListedPart[] | undefined | '';
  return {
    parts: parts === undefined || parts === '' ? [] : ([] as ListedPart[]).concat(parts),
    isTruncated: String(result.isTruncated),
    nextPartNumberMarker: String(result.nextPartNumberMarker),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
