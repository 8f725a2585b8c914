// Temporary credentials and clocks: STS tokens that expire mid-upload, and a client clock 20 minutes
// behind the server's.

import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../test-support/emulator-fixture.ts';
import {
  assumeRole,
  KIB,
  ossClient,
  rejection,
  sleep,
  sourceDigests,
  startSignedEmulator,
  storedDigests,
  stsOptions,
  testBytes,
} from './harness.ts';

const TOKEN_SECONDS = 2;
const PART = 100 * KIB;

/** A managed upload slow enough (one part at a time, a pause after each) to outlive one short token. */
function slowUpload(client: OSS, name: string, source: Buffer) {
  return client.multipartUpload(name, source, {
    partSize: PART,
    parallel: 1,
    progress: () => sleep(350),
  });
}

describe('STS credentials', () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startSignedEmulator({ stsMinDurationSeconds: 1 });
  });
  afterAll(() => emulator.dispose());

  it('an upload that outlives its token succeeds with refreshSTSToken', async () => {
    const first = await assumeRole(emulator, TOKEN_SECONDS);
    const issued: OSS.Credentials[] = [first];
    const client = ossClient(emulator, {
      ...stsOptions(first),
      refreshSTSTokenInterval: 500,
      refreshSTSToken: async () => {
        const next = await assumeRole(emulator, TOKEN_SECONDS);
        issued.push(next);
        return stsOptions(next);
      },
    });
    const source = testBytes(8 * PART, 80);
    const result = await slowUpload(client, 'sts/refreshed.bin', source);
    expect(result.res.status).toBe(200);
    // It really did span expiry, on fresh tokens each time.
    expect(Date.now()).toBeGreaterThan(Date.parse(first.Expiration));
    expect(issued.length).toBeGreaterThan(2);
    expect(new Set(issued.map((c) => c.SecurityToken)).size).toBe(issued.length);
    expect(await storedDigests(client, 'sts/refreshed.bin')).toEqual(
      await sourceDigests(source, { partSize: PART }),
    );
  });

  it('without refreshSTSToken the same upload fails with SecurityTokenExpired', async () => {
    const credentials = await assumeRole(emulator, TOKEN_SECONDS);
    const client = ossClient(emulator, stsOptions(credentials));
    const err = await rejection(slowUpload(client, 'sts/expired.bin', testBytes(8 * PART, 81)));
    expect(err).toMatchObject({ status: 403, code: 'SecurityTokenExpired', ecCode: '0002-00000007' });
    expect(Date.now()).toBeGreaterThan(Date.parse(credentials.Expiration));
    await expect(client.head('sts/expired.bin')).rejects.toMatchObject({ status: 403 });
    // Fresh credentials see no object: the failed upload left at most an incomplete upload behind.
    const fresh = ossClient(emulator, stsOptions(await assumeRole(emulator, 60)));
    await expect(fresh.head('sts/expired.bin')).rejects.toMatchObject({ status: 404 });
  });
});

describe('client clock 20 minutes behind the server', () => {
  const SKEW_MS = 20 * 60 * 1000;
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startSignedEmulator({ now: () => Date.now() + SKEW_MS });
  });
  afterAll(() => emulator.dispose());

  it.each([
    { version: 'V1', authorizationV4: false },
    { version: 'V4', authorizationV4: true },
  ])(
    '$version: RequestTimeTooSkewed carries the server time, and a client amended by it succeeds',
    async ({ version, authorizationV4 }) => {
      const client = ossClient(emulator, { authorizationV4 });
      const source = testBytes(2 * KIB, authorizationV4 ? 82 : 83);
      const err = await rejection(client.put(`skew/${version}.bin`, source));
      expect(err).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed', ecCode: '0002-00000504' });
      // The Node build of ali-oss (lib/client.js) stops here; the browser build (lib/browser/client.js)
      // sets options.amendTimeSkewed = ServerTime - now and re-signs — see e2e/emulator-conformance.spec.ts.
      // Node's error has no ServerTime, but the request id starts with the server's Unix seconds (OSS API reference: "Common HTTP headers").
      const serverSeconds = Number.parseInt(String(err.requestId).slice(0, 8), 16);
      const offset = serverSeconds * 1000 - Date.now();
      expect(Math.abs(offset - SKEW_MS)).toBeLessThan(5000);
      (client as unknown as { options: { amendTimeSkewed: number } }).options.amendTimeSkewed = offset;
      expect((await client.put(`skew/${version}.bin`, source)).res.status).toBe(200);
      expect(await storedDigests(client, `skew/${version}.bin`)).toEqual(await sourceDigests(source));
    },
  );
});
