// The dashboard's OSS calls against the real emulator, with tokens from the real token service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import { OssNetworkError, OssRequestError } from '../../lib/oss-client/errors.ts';
import { createOssClient } from '../../lib/oss-client/oss-client.ts';
import {
  startTestApp,
  startTestEmulator,
  type TestApp,
  type TestEmulator,
} from '../../server/token-service/test-stack.ts';
import { connectDashboardOss } from './multipart-api.ts';
import { toProblem } from './oss-problem.ts';

let stack: TestEmulator;
let app: TestApp;
beforeAll(async () => {
  stack = await startTestEmulator();
  app = await startTestApp(stack.emulator.url);
});
afterAll(async () => {
  await app.close();
  await stack.close();
});

describe('the dashboard on the OSS client', () => {
  it('lists every upload and part across pages, and aborts', async () => {
    const provider = createCredentialsProvider({ url: app.credentialsUrl });
    // Pages of two, so following the markers is exercised on a handful of uploads.
    const client = createOssClient({ credentials: provider, listPageSize: 2 });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      ids.push(await client.initiateMultipartUpload(`uploads/dash-${name}.bin`, {}));
    }
    const part = new Blob([new Uint8Array(100 * 1024)]);
    for (const n of [1, 2, 3, 4, 5]) await client.uploadPart('uploads/dash-a.bin', ids[0]!, n, part);

    const listed = await client.listUploads('uploads/dash-');
    expect(listed.map((u) => u.uploadId).sort()).toEqual([...ids].sort());
    expect((await client.listParts('uploads/dash-a.bin', ids[0]!)).map((p) => p.partNumber)).toEqual([
      1, 2, 3, 4, 5,
    ]);

    const oss = await connectDashboardOss(provider);
    expect(oss).toMatchObject({ bucket: expect.any(String), prefix: 'uploads/', allUsers: false });
    expect((await oss.api.listUploads('uploads/dash-')).length).toBe(5);
    await oss.api.abort('uploads/dash-b.bin', ids[1]!);
    expect((await oss.api.listUploads('uploads/dash-')).map((u) => u.uploadId)).not.toContain(ids[1]);
    const gone = await oss.api.abort('uploads/dash-b.bin', ids[1]!).catch((e: unknown) => e);
    expect(toProblem(gone)).toMatchObject({ code: 'NoSuchUpload', requestId: expect.any(String) });
  });

  it('stops rather than loop when a truncated page gives no new marker', async () => {
    const provider = createCredentialsProvider({ url: app.credentialsUrl });
    const stuck = `<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>0</NextPartNumberMarker></ListPartsResult>`;
    const client = createOssClient({
      credentials: provider,
      fetch: async () => new Response(stuck, { status: 200 }),
    });
    await expect(client.listParts('uploads/k', 'id')).rejects.toThrow(/no new marker/);
  });
});

describe('the dashboard of a person signed in', () => {
  it('lists their own uploads, or every user’s for an administrator', async () => {
    const team = await startTestApp(stack.emulator.url, {
      TOKEN_ACCESS: 'proxy-header',
      TOKEN_PROXY_HEADER: 'X-User',
      TOKEN_PROXY_GROUPS_HEADER: 'X-Groups',
      TOKEN_ADMIN_GROUP: 'admins',
    });
    try {
      const as = (user: string, groups = '') =>
        createCredentialsProvider({
          url: team.credentialsUrl,
          headers: { 'X-User': user, 'X-Groups': groups },
        });
      const dora = await connectDashboardOss(as('dora'));
      expect(dora).toMatchObject({ prefix: 'uploads/dora/', allUsers: false });
      const id = await createOssClient({ credentials: as('dora') }).initiateMultipartUpload(
        'uploads/dora/x.bin',
        {},
      );
      expect((await dora.api.listUploads(dora.prefix)).map((u) => u.uploadId)).toEqual([id]);
      const admin = await connectDashboardOss(as('erin', 'staff,admins'));
      expect(admin).toMatchObject({ prefix: 'uploads/', allUsers: true });
      expect((await admin.api.listUploads(admin.prefix)).map((u) => u.uploadId)).toContain(id);
      await admin.api.abort('uploads/dora/x.bin', id);
      expect(await dora.api.listUploads(dora.prefix)).toEqual([]);
    } finally {
      await team.close();
    }
  });
});

describe('toProblem', () => {
  it('keeps the OSS code, message and request id, says "no answer" without one, and keeps the rest readable', () => {
    expect(
      toProblem(new OssRequestError(404, 'NoSuchUpload', 'The specified upload does not exist.', 'RID', '')),
    ).toEqual({ code: 'NoSuchUpload', message: 'The specified upload does not exist.', requestId: 'RID' });
    expect(
      toProblem(new OssNetworkError('ListParts got no answer', new TypeError('Failed to fetch'))),
    ).toMatchObject({
      code: 'NetworkError',
      message: expect.stringMatching(/did not answer/),
    });
    expect(toProblem(Object.assign(new Error('line one\nline two'), { name: 'TypeError' }))).toEqual({
      code: 'TypeError',
      message: 'line one',
    });
    expect(toProblem('boom')).toEqual({ code: 'Error', message: 'boom' });
  });
});
