// Requests signed by the real ali-oss 6.23.0 (Node build), captured off the wire by a local HTTP
// server, must authenticate. ali-oss signs with the real clock, so the authenticator uses it too and
// shifts it only to provoke expiry.
import OSS from 'ali-oss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../../server/emulator/auth/authenticate.ts';
import { issueCredentials } from '../../../../server/emulator/auth/sts-token.ts';
import { OssError } from '../../../../server/emulator/errors.ts';
import { type CapturedRequest, startCaptureServer, toAuthRequest } from '../../../support/capture-server.ts';

const ROOT = { accessKeyId: 'LTAIaliOssRoot', accessKeySecret: 'ali-oss-root-secret' };
const BUCKET = 'skylift-dev';
// Space, '+', parentheses, quote, '*', '!' and non-ASCII: each is encoded differently by the URL,
// the V4 canonical URI and the V1 resource.
const ODD_KEYS = ["uploads/photo 1+2 (final)*'!.png", 'uploads/Ünïcødé ☃/日本語.bin', 'plain.txt'];

let server: Awaited<ReturnType<typeof startCaptureServer>>;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const credentialSets = {
  root: { ...ROOT },
  sts: (() => {
    const issued = issueCredentials(ROOT.accessKeySecret, {
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      roleArn: 'acs:ram::1:role/r',
      sessionName: 'ali-oss',
    });
    return {
      accessKeyId: issued.accessKeyId,
      accessKeySecret: issued.accessKeySecret,
      stsToken: issued.securityToken,
    };
  })(),
};

const authenticatorAt = (offsetMs = 0) =>
  createAuthenticator({
    rootAccessKeyId: ROOT.accessKeyId,
    rootAccessKeySecret: ROOT.accessKeySecret,
    now: () => Date.now() + offsetMs,
  });

function client(credentials: (typeof credentialSets)[keyof typeof credentialSets], authorizationV4: boolean) {
  return new OSS({
    ...credentials,
    bucket: BUCKET,
    region: 'oss-cn-hangzhou',
    endpoint: server.origin,
    cname: true,
    authorizationV4,
  });
}

/** Runs one ali-oss call and returns the single request it sent; response parsing errors are irrelevant here. */
async function captured(call: () => Promise<unknown>): Promise<CapturedRequest> {
  await call().catch(() => undefined);
  expect(server.requests).toHaveLength(1);
  return server.requests.pop()!;
}

/** Fetches a presigned URL through the capture server, so the URL is what an HTTP stack really sends. */
async function fetched(url: string): Promise<CapturedRequest> {
  const target = new URL(url);
  await fetch(`${server.origin}${target.pathname}${target.search}`);
  expect(server.requests).toHaveLength(1);
  return server.requests.pop()!;
}

for (const [who, credentials] of Object.entries(credentialSets)) {
  const kind = who === 'root' ? 'root' : 'sts';
  for (const v4 of [true, false]) {
    describe(`ali-oss ${v4 ? 'V4' : 'V1'} header auth, ${who} credentials`, () => {
      for (const key of ODD_KEYS) {
        it(`put and head ${JSON.stringify(key)}`, async () => {
          const oss = client(credentials, v4);
          for (const call of [() => oss.put(key, Buffer.from('hello')), () => oss.head(key)]) {
            const req = await captured(call);
            await expect(authenticatorAt().authenticate(toAuthRequest(req, BUCKET))).resolves.toMatchObject({
              kind,
            });
          }
        });
      }

      it('multipart calls with sub-resources and query parameters', async () => {
        const oss = client(credentials, v4);
        const key = ODD_KEYS[0]!;
        const calls = [
          () =>
            oss.initMultipartUpload(key, {
              headers: { 'x-oss-meta-owner': 'alice', 'x-oss-forbid-overwrite': 'true' },
            }),
          () =>
            oss.listParts(key, '0004B9894A22E5B1888A1E29F823****', {
              'max-parts': 100,
              'part-number-marker': 0,
              'encoding-type': 'url',
            }),
          () => oss.listUploads({ prefix: 'uploads/', 'max-uploads': 10 }),
          () => oss.abortMultipartUpload(key, '0004B9894A22E5B1888A1E29F823****'),
        ];
        for (const call of calls) {
          const req = await captured(call);
          await expect(authenticatorAt().authenticate(toAuthRequest(req, BUCKET))).resolves.toMatchObject({
            kind,
          });
        }
      });

      it('a request replayed 16 minutes later is RequestTimeTooSkewed', async () => {
        const req = await captured(() => client(credentials, v4).put('a.txt', Buffer.from('x')));
        const err = await authenticatorAt(16 * 60_000)
          .authenticate(toAuthRequest(req, BUCKET))
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OssError);
        expect((err as OssError).code).toBe('RequestTimeTooSkewed');
      });

      it('a wrong secret is SignatureDoesNotMatch', async () => {
        const req = await captured(() =>
          client({ ...credentials, accessKeySecret: 'wrong' }, v4).put('a.txt', Buffer.from('x')),
        );
        const err = await authenticatorAt()
          .authenticate(toAuthRequest(req, BUCKET))
          .catch((e: unknown) => e);
        expect((err as OssError).code).toBe('SignatureDoesNotMatch');
      });
    });
  }

  describe(`ali-oss presigned URLs, ${who} credentials`, () => {
    for (const key of ODD_KEYS) {
      it(`signatureUrlV4 and signatureUrl for ${JSON.stringify(key)}`, async () => {
        const oss = client(credentials, true);
        const v4 = await fetched(await oss.signatureUrlV4('GET', 60, undefined, key));
        const v1 = await fetched(oss.signatureUrl(key, { expires: 60 }));
        for (const req of [v4, v1]) {
          await expect(authenticatorAt().authenticate(toAuthRequest(req, BUCKET))).resolves.toMatchObject({
            kind,
          });
          const err = await authenticatorAt(62_000)
            .authenticate(toAuthRequest(req, BUCKET))
            .catch((e: unknown) => e);
          expect((err as OssError).message).toBe('Request has expired.');
        }
      });
    }

    it('signatureUrlV4 with a sub-resource query and a signed Content-Type', async () => {
      const oss = client(credentials, true);
      const url = await oss.signatureUrlV4(
        'PUT',
        60,
        { headers: { 'Content-Type': 'image/png' }, queries: { partNumber: 1, uploadId: 'ABC****' } },
        ODD_KEYS[0]!,
      );
      const target = new URL(url);
      await fetch(`${server.origin}${target.pathname}${target.search}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'image/png' },
        body: 'part',
      });
      const req = server.requests.pop()!;
      await expect(authenticatorAt().authenticate(toAuthRequest(req, BUCKET))).resolves.toMatchObject({
        kind,
      });
      const otherType = { ...req, headers: { ...req.headers, 'content-type': 'text/plain' } };
      const err = await authenticatorAt()
        .authenticate(toAuthRequest(otherType, BUCKET))
        .catch((e: unknown) => e);
      expect((err as OssError).code).toBe('SignatureDoesNotMatch');
    });
  });
}
