// A second, independent official Alibaba OSS client beside ali-oss: @alicloud/oss-client, the
// TypeScript SDK generated from Alibaba's Tea/Darabonba OSS spec (aliyun/alibabacloud-oss-sdk): its own
// V1 signer (it has no V4), its own XML (tea-xml) and form encoder, path-style URLs.
//
// Where this SDK sends what OSS refuses, the emulator must refuse it too, and the tests assert that:
//   - its V1 signer writes signed sub-resources as `/bucket/key&partNumber=1&uploadId=…` (`&` where the
//     CanonicalizedResource has `?`): UploadPart, UploadPartCopy, ListParts, Complete and Abort fail
//     with SignatureDoesNotMatch;
//   - it signs GetService's resource as `//`: SignatureDoesNotMatch;
//   - it sends DeleteMultipleObjects' Content-MD5 as hex, not base64: InvalidDigest.
// UploadPart, UploadPartCopy, ListParts and Abort then run through @alicloud/oss20190517, the Tea
// OpenAPI SDK of the same family, whose V1 canonicalization gets them right. No official Tea SDK can
// complete an upload (oss20190517 sends the part list without its <CompleteMultipartUpload> root:
// MalformedXML, asserted too), so the uploads it fills are completed with ali-oss and read back here.

import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64, crc64ToHeader } from '../../../../lib/oss/crc64.ts';
import { md5Hex, multipartEtag, quoteEtag } from '../../../../lib/oss/etag.ts';
import { signatureV1 } from '../../../../lib/oss/sign-v1.ts';
import { EMULATOR_DEFAULTS } from '../../../../server/config/emulator-defaults.ts';
import {
  BUCKET,
  KIB,
  ossClient,
  ROOT,
  rejection,
  startSignedEmulator,
  stsClient,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import type { TestEmulator } from '../../../support/emulator.ts';
import { inAnHour } from '../../../support/post-form.ts';

type Sdk = typeof import('@alicloud/oss-client');
type TeaUtil = typeof import('@alicloud/tea-util');
const require = createRequire(import.meta.url);
const sdk = require('@alicloud/oss-client') as Sdk;
const { RuntimeOptions } = require('@alicloud/tea-util') as TeaUtil;
const teaXml = require('@alicloud/tea-xml') as { default: { toXML(body: object): string } };
// biome-ignore lint/suspicious/noExplicitAny: untyped generated SDK, used for five calls.
const openApi = require('@alicloud/oss20190517') as any;
const { Config: OpenApiConfig } = require('@alicloud/openapi-client') as {
  Config: new (options: object) => object;
};

let emulator: TestEmulator;
let client: InstanceType<Sdk['default']>;
const runtime = () => new RuntimeOptions({ autoretry: false });

function newClient(credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) {
  return new sdk.default(
    new sdk.Config({
      ...credentials,
      type: credentials.securityToken ? 'sts' : 'access_key',
      endpoint: `127.0.0.1:${emulator.port}`,
      protocol: 'http',
      regionId: EMULATOR_DEFAULTS.region.replace(/^oss-/, ''),
      hostModel: 'ip', // path style: /<bucket>/<key>
      signatureVersion: 'v1',
    }),
  );
}

beforeAll(async () => {
  emulator = await startSignedEmulator();
  client = newClient(ROOT);
  openApiClient = new openApi.default(
    new OpenApiConfig({
      ...ROOT,
      endpoint: `127.0.0.1:${emulator.port}`,
      protocol: 'http',
      regionId: EMULATOR_DEFAULTS.region.replace(/^oss-/, ''),
      endpointType: 'ip',
    }),
  );
});
afterAll(() => emulator.dispose());

const body = (data: Uint8Array) => Readable.from([Buffer.from(data)]);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function getBytes(key: string): Promise<Buffer> {
  const got = await client.getObject(
    new sdk.GetObjectRequest({ bucketName: BUCKET, objectName: key }),
    runtime(),
  );
  return readAll(got.body);
}

/** @alicloud/oss20190517 for the five operations @alicloud/oss-client cannot sign (see the top). */
// biome-ignore lint/suspicious/noExplicitAny: untyped generated SDK.
let openApiClient: any;
const openApiRuntime = () => new RuntimeOptions({});

async function uploadPart(
  key: string,
  uploadId: string,
  partNumber: number,
  data: Uint8Array,
): Promise<void> {
  try {
    await openApiClient.uploadPartWithOptions(
      BUCKET,
      key,
      new openApi.UploadPartRequest({ partNumber, uploadId, body: body(data) }),
      {},
      openApiRuntime(),
    );
  } catch (error) {
    // Its response model expects XML where OSS answers UploadPart with an empty 200; the part is
    // checked through ListParts instead.
    if (!/not a valid value/.test((error as Error).message)) throw error;
  }
}

async function listParts(
  key: string,
  uploadId: string,
): Promise<{ partNumber: number; ETag: string; size: number }[]> {
  const listed = await openApiClient.listPartsWithOptions(
    BUCKET,
    key,
    new openApi.ListPartsRequest({ uploadId }),
    {},
    openApiRuntime(),
  );
  return [].concat(listed.body.part ?? []);
}

async function uploadPartCopy(key: string, uploadId: string, partNumber: number, source: string) {
  const copied = await openApiClient.uploadPartCopyWithOptions(
    BUCKET,
    key,
    new openApi.UploadPartCopyRequest({ partNumber, uploadId }),
    new openApi.UploadPartCopyHeaders({ copySource: source }),
    openApiRuntime(),
  );
  return copied.body as { ETag: string };
}

/** @alicloud/oss20190517's Complete (refused: see the top). */
async function completeWithOpenApi(
  key: string,
  uploadId: string,
  parts: { partNumber: number; ETag: string }[],
) {
  const done = await openApiClient.completeMultipartUploadWithOptions(
    BUCKET,
    key,
    new openApi.CompleteMultipartUploadRequest({
      uploadId,
      body: new openApi.CompleteMultipartUpload({
        part: parts.map((p) => new openApi.Part({ partNumber: p.partNumber, ETag: p.ETag })),
      }),
    }),
    {},
    openApiRuntime(),
  );
  return done.body as { ETag: string };
}

/** Complete with ali-oss, the one official SDK whose Complete OSS accepts. */
async function complete(key: string, uploadId: string, parts: { partNumber: number; ETag: string }[]) {
  const done = await ossClient(emulator).completeMultipartUpload(
    key,
    uploadId,
    parts.map((p) => ({ number: Number(p.partNumber), etag: p.ETag })),
  );
  return { ETag: done.etag };
}

async function abort(key: string, uploadId: string): Promise<void> {
  await openApiClient.abortMultipartUploadWithOptions(
    BUCKET,
    key,
    new openApi.AbortMultipartUploadRequest({ uploadId }),
    {},
    openApiRuntime(),
  );
}

async function initiate(key: string): Promise<string> {
  const started = await client.initiateMultipartUpload(
    new sdk.InitiateMultipartUploadRequest({
      bucketName: BUCKET,
      objectName: key,
      filter: new sdk.InitiateMultipartUploadRequestFilter({}),
    }),
    runtime(),
  );
  return started.initiateMultipartUploadResult.uploadId!;
}

describe('@alicloud/oss-client (V1 signatures, path style)', () => {
  it('puts, heads, gets, gets meta, lists and deletes objects', async () => {
    const data = testBytes(70 * KIB, 31);
    const put = await client.putObject(
      new sdk.PutObjectRequest({
        bucketName: BUCKET,
        objectName: 'sdk2/photo 1.png',
        body: body(data),
        header: new sdk.PutObjectRequestHeader({ tagging: 'a=1' }),
      }),
      runtime(),
    );
    expect(put.hashCrc64ecma).toBe(crc64ToHeader(await crc64(data)));
    expect((await getBytes('sdk2/photo 1.png')).equals(data)).toBe(true);
    const head = await client.headObject(
      new sdk.HeadObjectRequest({ bucketName: BUCKET, objectName: 'sdk2/photo 1.png' }),
      runtime(),
    );
    expect(head.storageClass).toBe('Standard');
    expect(head.objectType).toBe('Normal');
    expect(head.hashCrc64ecma).toBe(put.hashCrc64ecma);
    const meta = await client.getObjectMeta(
      new sdk.GetObjectMetaRequest({ bucketName: BUCKET, objectName: 'sdk2/photo 1.png' }),
      runtime(),
    );
    expect(meta.eTag).toBe(quoteEtag(await md5Hex(data)));
    expect(meta.contentLength).toBe(String(data.length));
    const listed = await client.getBucket(
      new sdk.GetBucketRequest({
        bucketName: BUCKET,
        filter: new sdk.GetBucketRequestFilter({ prefix: 'sdk2/' }),
      }),
      runtime(),
    );
    expect(listed.listBucketResult.contents?.map((c) => c.key)).toEqual(['sdk2/photo 1.png']);
    await client.deleteObject(
      new sdk.DeleteObjectRequest({ bucketName: BUCKET, objectName: 'sdk2/photo 1.png' }),
      runtime(),
    );
    const gone = await rejection(getBytes('sdk2/photo 1.png'));
    expect(gone).toMatchObject({ code: 'NoSuchKey' });
  });

  it('multipart-uploads (Initiate, UploadPart, ListParts, ListMultipartUploads, Complete) and aborts', async () => {
    const data = testBytes(250 * KIB, 32);
    const key = 'sdk2/multi.bin';
    const uploadId = await initiate(key);
    for (const [i, at] of [0, 100 * KIB, 200 * KIB].entries()) {
      await uploadPart(key, uploadId, i + 1, data.subarray(at, at + 100 * KIB));
    }
    const uploads = await client.listMultipartUploads(
      new sdk.ListMultipartUploadsRequest({
        bucketName: BUCKET,
        filter: new sdk.ListMultipartUploadsRequestFilter({ prefix: 'sdk2/' }),
      }),
      runtime(),
    );
    const listedUploads = ([] as { uploadId?: string }[]).concat(
      uploads.listMultipartUploadsResult.upload ?? [],
    );
    expect(listedUploads.map((u) => u.uploadId)).toEqual([uploadId]);
    const parts = await listParts(key, uploadId);
    expect(parts.map((p) => Number(p.size))).toEqual([102400, 102400, 51200]);
    const done = await complete(key, uploadId, parts);
    expect(done.ETag).toBe(await multipartEtag(parts.map((p) => p.ETag)));
    expect((await getBytes(key)).equals(data)).toBe(true);

    const abandoned = await initiate('sdk2/abandoned.bin');
    await abort('sdk2/abandoned.bin', abandoned);
    expect(await rejection(listParts('sdk2/abandoned.bin', abandoned))).toMatchObject({
      code: 'NoSuchUpload',
    });
  });

  it('has its malformed V1 signature of signed sub-resources refused, as OSS does', async () => {
    const uploadId = await initiate('sdk2/refused.bin');
    const err = await rejection(
      client.uploadPart(
        new sdk.UploadPartRequest({
          bucketName: BUCKET,
          objectName: 'sdk2/refused.bin',
          body: body(Buffer.from('x')),
          filter: new sdk.UploadPartRequestFilter({ partNumber: '1', uploadId }),
        }),
        runtime(),
      ),
    );
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(await listParts('sdk2/refused.bin', uploadId)).toEqual([]);
    const service = await rejection(
      client.getService(
        new sdk.GetServiceRequest({ filter: new sdk.GetServiceRequestFilter({}) }),
        runtime(),
      ),
    );
    expect(service).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const request = new sdk.DeleteMultipleObjectsRequestBody({
      delete: new sdk.DeleteMultipleObjectsRequestBodyDelete({
        quiet: 'false',
        object: [new sdk.DeleteMultipleObjectsRequestBodyDeleteObject({ key: 'sdk2/any' })],
      }),
    });
    const xml = teaXml.default.toXML(request.toMap());
    const deleteMulti = await rejection(
      client.deleteMultipleObjects(
        new sdk.DeleteMultipleObjectsRequest({
          bucketName: BUCKET,
          body: request,
          header: new sdk.DeleteMultipleObjectsRequestHeader({
            contentLength: String(Buffer.byteLength(xml)),
          }),
        }),
        runtime(),
      ),
    );
    expect(deleteMulti).toMatchObject({ code: 'InvalidDigest' });
    const parts = [
      { partNumber: 1, ETag: '"00000000000000000000000000000000"' },
      { partNumber: 2, ETag: '"00000000000000000000000000000000"' },
    ];
    expect(await rejection(completeWithOpenApi('sdk2/refused.bin', uploadId, parts))).toMatchObject({
      code: 'MalformedXML',
    });
  });

  it('copies objects and assembles parts with UploadPartCopy', async () => {
    const first = testBytes(150 * KIB, 33);
    const second = testBytes(20 * KIB, 34);
    for (const [key, data] of [
      ['sdk2/tmp-1', first],
      ['sdk2/tmp-2', second],
    ] as const) {
      await client.putObject(
        new sdk.PutObjectRequest({
          bucketName: BUCKET,
          objectName: key,
          body: body(data),
          header: new sdk.PutObjectRequestHeader({}),
        }),
        runtime(),
      );
    }
    const copied = await client.copyObject(
      new sdk.CopyObjectRequest({
        bucketName: BUCKET,
        destObjectName: 'sdk2/copy',
        // The SDK URL-encodes the key of the copy source itself.
        header: new sdk.CopyObjectRequestHeader({ copySource: `/${BUCKET}/sdk2/tmp-1` }),
      }),
      runtime(),
    );
    expect(copied.copyObjectResult.eTag).toBe(quoteEtag(await md5Hex(first)));
    expect((await getBytes('sdk2/copy')).equals(first)).toBe(true);

    const uploadId = await initiate('sdk2/assembled');
    for (const [i, source] of ['sdk2/tmp-1', 'sdk2/tmp-2'].entries()) {
      const part = await uploadPartCopy(
        'sdk2/assembled',
        uploadId,
        i + 1,
        `/${BUCKET}/${encodeURIComponent(source)}`,
      );
      expect(part.ETag).toBe(quoteEtag(await md5Hex(i === 0 ? first : second)));
    }
    await complete('sdk2/assembled', uploadId, await listParts('sdk2/assembled', uploadId));
    expect((await getBytes('sdk2/assembled')).equals(Buffer.concat([first, second]))).toBe(true);
  });

  it('puts, gets and deletes object tags', async () => {
    await client.putObject(
      new sdk.PutObjectRequest({
        bucketName: BUCKET,
        objectName: 'sdk2/tagged',
        body: body(Buffer.from('t')),
        header: new sdk.PutObjectRequestHeader({}),
      }),
      runtime(),
    );
    await client.putObjectTagging(
      new sdk.PutObjectTaggingRequest({
        bucketName: BUCKET,
        objectName: 'sdk2/tagged',
        body: new sdk.PutObjectTaggingRequestBody({
          tagging: new sdk.PutObjectTaggingRequestBodyTagging({
            tagSet: new sdk.PutObjectTaggingRequestBodyTaggingTagSet({
              tag: [
                new sdk.PutObjectTaggingRequestBodyTaggingTagSetTag({ key: 'project', value: 'skylift' }),
              ],
            }),
          }),
        }),
      }),
      runtime(),
    );
    const tags = await client.getObjectTagging(
      new sdk.GetObjectTaggingRequest({ bucketName: BUCKET, objectName: 'sdk2/tagged' }),
      runtime(),
    );
    expect(JSON.stringify(tags.tagging)).toContain('skylift');
    await client.deleteObjectTagging(
      new sdk.DeleteObjectTaggingRequest({ bucketName: BUCKET, objectName: 'sdk2/tagged' }),
      runtime(),
    );
    const head = await client.headObject(
      new sdk.HeadObjectRequest({ bucketName: BUCKET, objectName: 'sdk2/tagged' }),
      runtime(),
    );
    expect(head.requestId).toMatch(/^[0-9A-F]{24}$/);
  });

  it('uploads with PostObject (V1 policy)', async () => {
    const policy = Buffer.from(
      JSON.stringify({
        expiration: inAnHour(),
        conditions: [{ bucket: BUCKET }, ['starts-with', '$key', 'sdk2/']],
      }),
    ).toString('base64');
    const data = testBytes(30 * KIB, 35);
    await client.postObject(
      new sdk.PostObjectRequest({
        bucketName: BUCKET,
        header: new sdk.PostObjectRequestHeader({
          accessKeyId: ROOT.accessKeyId,
          policy,
          signature: await signatureV1(ROOT.accessKeySecret, policy),
          key: 'sdk2/posted.bin',
          successActionStatus: '201',
          // No userMeta: the SDK's form encoder puts those fields after the file without the CRLF that
          // ends the file part, so OSS (and the emulator) would keep them as bytes of the file.
          file: { filename: 'posted.bin', contentType: 'application/octet-stream', content: body(data) },
        }),
      }),
      runtime(),
    );
    expect((await getBytes('sdk2/posted.bin')).equals(data)).toBe(true);
  });

  it('works with STS credentials and is refused with a wrong secret', async () => {
    const { credentials } = await stsClient(emulator).assumeRole(
      EMULATOR_DEFAULTS.roleArn,
      undefined,
      900,
      'sdk2',
    );
    const sts = newClient({
      accessKeyId: credentials.AccessKeyId,
      accessKeySecret: credentials.AccessKeySecret,
      securityToken: credentials.SecurityToken,
    });
    await sts.putObject(
      new sdk.PutObjectRequest({
        bucketName: BUCKET,
        objectName: 'sdk2/sts',
        body: body(Buffer.from('sts')),
        header: new sdk.PutObjectRequestHeader({}),
      }),
      runtime(),
    );
    expect((await getBytes('sdk2/sts')).toString()).toBe('sts');
    const wrong = newClient({ ...ROOT, accessKeySecret: 'not-the-secret' });
    const err = await rejection(
      wrong.putObject(
        new sdk.PutObjectRequest({
          bucketName: BUCKET,
          objectName: 'sdk2/wrong',
          body: body(Buffer.from('x')),
          header: new sdk.PutObjectRequestHeader({}),
        }),
        runtime(),
      ),
    );
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});
