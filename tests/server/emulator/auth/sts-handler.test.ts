import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../../server/emulator/auth/authenticate.ts';
import { createStsHandler } from '../../../../server/emulator/auth/sts-handler.ts';
import { OssError } from '../../../../server/emulator/errors.ts';
import {
  listen,
  startCaptureServer,
  type TestServer,
  toAuthRequest,
} from '../../../support/capture-server.ts';

const ROOT = { accessKeyId: 'LTAIstsTestRoot', accessKeySecret: 'sts-test-root-secret' };
const ROLE_ARN = 'acs:ram::1000000000000000:role/skylift-uploader';
const BUCKET = 'skylift-dev';

// The handler and the authenticator share one controllable clock; ali-oss signs with the real one,
// so the offset stays well inside the 15-minute skew window.
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

let sts: TestServer;
let oss: Awaited<ReturnType<typeof startCaptureServer>>;

beforeAll(async () => {
  const handler = createStsHandler({
    rootAccessKeyId: ROOT.accessKeyId,
    rootAccessKeySecret: ROOT.accessKeySecret,
    now,
    minDurationSeconds: 1,
  });
  sts = await listen(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === '/-/sts') return handler(req, res);
    res.writeHead(404).end();
  });
  oss = await startCaptureServer();
});

afterAll(async () => {
  await sts.close();
  await oss.close();
});

const stsClient = (accessKeySecret = ROOT.accessKeySecret, accessKeyId = ROOT.accessKeyId) =>
  // @types/ali-oss omits `endpoint`, which lib/sts.js copies from the options like every other field.
  new OSS.STS({ accessKeyId, accessKeySecret, endpoint: `${sts.origin}/-/sts` } as OSS.STSOptions);

async function putWith(credentials: OSS.Credentials, key: string) {
  const client = new OSS({
    accessKeyId: credentials.AccessKeyId,
    accessKeySecret: credentials.AccessKeySecret,
    stsToken: credentials.SecurityToken,
    bucket: BUCKET,
    region: 'oss-cn-hangzhou',
    endpoint: oss.origin,
    cname: true,
    authorizationV4: true,
  });
  await client.put(key, Buffer.from('hello'));
  return toAuthRequest(oss.requests.at(-1)!, BUCKET);
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ status: number; code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { status: number; code: string; message: string };
  }
  throw new Error('expected the promise to reject');
}

describe('STS AssumeRole over HTTP, called by the real ali-oss STS client', () => {
  it('issues credentials that authenticate and carry the session policy', async () => {
    offsetMs = 0;
    const policy = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['oss:PutObject'], Resource: [`acs:oss:*:*:${BUCKET}/uploads/*`] },
      ],
    };
    const { credentials } = await stsClient().assumeRole(ROLE_ARN, policy, 3600, 'alice');
    expect(credentials.AccessKeyId).toMatch(/^STS\./);
    expect(credentials.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(credentials.Expiration)).toBeGreaterThan(now() + 3590_000);

    const authenticator = createAuthenticator({
      rootAccessKeyId: ROOT.accessKeyId,
      rootAccessKeySecret: ROOT.accessKeySecret,
      now,
    });
    const principal = await authenticator.authenticate(await putWith(credentials, 'uploads/a.bin'));
    expect(principal).toMatchObject({
      accessKeyId: credentials.AccessKeyId,
      kind: 'sts',
      roleArn: ROLE_ARN,
      sessionName: 'alice',
    });
    expect(() => authenticator.authorize(principal, 'oss:PutObject', BUCKET, 'uploads/a.bin')).not.toThrow();
    expect(() => authenticator.authorize(principal, 'oss:PutObject', BUCKET, 'other/a.bin')).toThrow(
      OssError,
    );
  });

  it('returns the AssumedRoleUser fields of real STS', async () => {
    offsetMs = 0;
    const { res } = (await stsClient().assumeRole(ROLE_ARN, undefined, 900, 'bob')) as unknown as {
      res: { data: Buffer };
    };
    const body = JSON.parse(res.data.toString());
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.AssumedRoleUser.Arn).toBe('acs:ram::1000000000000000:role/skylift-uploader/bob');
    expect(body.AssumedRoleUser.AssumedRoleId).toMatch(/^\d{17}:bob$/);
  });

  it('refuses a request signed with the wrong root secret', async () => {
    const err = await rejection(stsClient('not-the-secret').assumeRole(ROLE_ARN, undefined, 3600, 'alice'));
    expect(err.status).toBe(400);
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.message).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
  });

  it('refuses an unknown AccessKeyId and temporary credentials', async () => {
    const unknown = await rejection(stsClient(ROOT.accessKeySecret, 'LTAIunknown').assumeRole(ROLE_ARN));
    expect([unknown.status, unknown.code]).toEqual([404, 'InvalidAccessKeyId.NotFound']);

    const { credentials } = await stsClient().assumeRole(ROLE_ARN, undefined, 3600, 'alice');
    const chained = await rejection(
      stsClient(credentials.AccessKeySecret, credentials.AccessKeyId).assumeRole(ROLE_ARN),
    );
    expect([chained.status, chained.code]).toEqual([403, 'NoPermission']);
  });

  it('enforces DurationSeconds bounds, RoleArn and RoleSessionName shapes, and policy grammar', async () => {
    const client = stsClient();
    const tooShort = createStsHandler({
      rootAccessKeyId: ROOT.accessKeyId,
      rootAccessKeySecret: ROOT.accessKeySecret,
    });
    const strict = await listen(tooShort);
    try {
      const strictClient = new OSS.STS({ ...ROOT, endpoint: `${strict.origin}/-/sts` } as OSS.STSOptions);
      const short = await rejection(strictClient.assumeRole(ROLE_ARN, undefined, 899, 'alice'));
      expect([short.status, short.code]).toEqual([400, 'InvalidParameter.DurationSeconds']);
      expect(short.message).toContain('900/43200');
    } finally {
      await strict.close();
    }
    const long = await rejection(client.assumeRole(ROLE_ARN, undefined, 43201, 'alice'));
    expect(long.code).toBe('InvalidParameter.DurationSeconds');
    const arn = await rejection(client.assumeRole('acs:ram::abc:role/x', undefined, 3600, 'alice'));
    expect(arn.code).toBe('InvalidParameter.RoleArn');
    const session = await rejection(client.assumeRole(ROLE_ARN, undefined, 3600, 'a'));
    expect(session.code).toBe('InvalidParameter.RoleSessionName');
    const spaces = await rejection(client.assumeRole(ROLE_ARN, undefined, 3600, 'has space'));
    expect(spaces.code).toBe('InvalidParameter.RoleSessionName');
    const grammar = await rejection(
      client.assumeRole(ROLE_ARN, {
        Version: '1',
        Statement: [{ Effect: 'Maybe', Action: 'oss:*', Resource: '*' }],
      }),
    );
    expect([grammar.status, grammar.code]).toEqual([400, 'InvalidParameter.PolicyGrammar']);
    expect(grammar.message).toContain('Effect');
  });

  it('lets the temporary credentials expire when the clock passes Expiration', async () => {
    offsetMs = 0;
    const { credentials } = await stsClient().assumeRole(ROLE_ARN, undefined, 5, 'alice');
    const authenticator = createAuthenticator({
      rootAccessKeyId: ROOT.accessKeyId,
      rootAccessKeySecret: ROOT.accessKeySecret,
      now,
    });
    const request = await putWith(credentials, 'uploads/b.bin');
    await expect(authenticator.authenticate(request)).resolves.toMatchObject({ kind: 'sts' });

    offsetMs = Date.parse(credentials.Expiration) + 1000 - Date.now();
    const err = await rejection(authenticator.authenticate(request));
    expect(err).toBeInstanceOf(OssError);
    expect((err as OssError).code).toBe('SecurityTokenExpired');
    expect((err as OssError).details).toContainEqual(['SecurityToken', credentials.SecurityToken]);
    offsetMs = 0;
  });

  it('accepts a signed GET with the parameters in the query, and rejects a stale Timestamp', async () => {
    const params: Record<string, string> = {
      Action: 'AssumeRole',
      Version: '2015-04-01',
      Format: 'JSON',
      AccessKeyId: ROOT.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'nonce-1',
      Timestamp: new Date(now()).toISOString(),
      RoleArn: ROLE_ARN,
      RoleSessionName: 'carol',
    };
    // Sign with ali-oss's own RPC signer so this test does not restate the algorithm.
    const sign = (p: Record<string, string>, method: string) =>
      (stsClient() as unknown as { _getSignature(m: string, p: object, k: string): string })._getSignature(
        method,
        p,
        ROOT.accessKeySecret,
      );
    const url = (p: Record<string, string>) =>
      `${sts.origin}/-/sts?${new URLSearchParams({ ...p, Signature: sign(p, 'GET') })}`;

    const ok = await fetch(url(params));
    expect(ok.status).toBe(200);
    expect((await ok.json()).Credentials.AccessKeyId).toMatch(/^STS\./);

    const staleParams = { ...params, Timestamp: new Date(now() - 16 * 60_000).toISOString() };
    const stale = await fetch(url(staleParams));
    expect(stale.status).toBe(400);
    expect((await stale.json()).Code).toBe('InvalidTimeStamp.Expired');

    // The signature covers the method: a GET signature replayed as POST must fail.
    const replayed = await fetch(`${sts.origin}/-/sts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, Signature: sign(params, 'GET') }).toString(),
    });
    const replayedBody = await replayed.json();
    expect([replayed.status, replayedBody.Code]).toEqual([400, 'SignatureDoesNotMatch']);
    expect(Object.keys(replayedBody)).toEqual(['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
  });

  it('names a missing parameter', async () => {
    const res = await fetch(`${sts.origin}/-/sts?Action=AssumeRole`);
    const body = await res.json();
    expect([res.status, body.Code]).toEqual([400, 'MissingParameter']);
    expect(body.Message).toContain('"Version"');
  });
});
