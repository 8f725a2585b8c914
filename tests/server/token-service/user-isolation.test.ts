// Two people signed in (through Skylift's own OpenID Connect sign-in, and through an authenticating
// proxy) hold tokens that STS limits to their own prefix: under the real session policies, checked by
// the emulator as RAM checks them, neither can write, abort, list or look up the other's uploads.
// An administrator sees and aborts everyone's, and still writes only under their own prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { EMULATOR_DEFAULTS } from '../../../server/config/emulator-defaults.ts';
import { freePort } from '../../../server/net/free-port.ts';
import { createStsClient } from '../../../server/token-service/sts-client.ts';
import { ossClientWithToken, ossErrorCode, statusOf } from '../../support/ali-oss-client.ts';
import {
  startProductEmulator,
  startTestApp,
  type TestApp,
  type TestEmulator,
} from '../../support/app-stack.ts';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../support/identity-provider.ts';
import { signInOverHttp } from '../../support/sign-in-over-http.ts';

let emulator: TestEmulator;
let provider: TestIdentityProvider;
const apps: TestApp[] = [];

beforeAll(async () => {
  emulator = await startProductEmulator();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await provider?.close();
  await emulator?.dispose();
});

/** How a test obtains a person's credentials from the token service. */
type Issue = (person: 'alice' | 'bob' | 'carol') => Promise<TemporaryCredentials>;

async function post(url: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What the bucket's owner sees: every unfinished upload, whoever started it. */
async function unfinishedKeys(): Promise<string[]> {
  const root = await createStsClient({
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
    endpoint: `${emulator.url}/-/sts`,
  }).assumeRole({
    roleArn: EMULATOR_DEFAULTS.roleArn,
    policy: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }] },
    durationSeconds: 900,
    sessionName: 'owner',
  });
  const client = ossClientWithToken({
    ...root,
    bucket: EMULATOR_DEFAULTS.bucket,
    region: EMULATOR_DEFAULTS.region,
    endpoint: emulator.url,
    prefix: '',
  });
  const listed = await client.listUploads({ prefix: 'uploads/' }, {});
  return (listed.uploads as { name: string }[]).map((u) => u.name);
}

function isolationSuite(
  mode: string,
  setUp: () => Promise<{
    issue: Issue;
    lookup: (
      person: 'alice' | 'bob',
      key: string,
    ) => Promise<{ status: number; body: Record<string, unknown> }>;
  }>,
) {
  describe(`two users (${mode})`, () => {
    let issue: Issue;
    let lookup: Awaited<ReturnType<typeof setUp>>['lookup'];
    beforeAll(async () => {
      ({ issue, lookup } = await setUp());
    });

    it('write, list and abort only under their own prefix', async () => {
      const [alice, bob] = [await issue('alice'), await issue('bob')];
      expect(alice.prefix).toBe('uploads/alice@example.com/');
      expect(bob.prefix).toBe('uploads/bob@example.com/');
      const a = ossClientWithToken(alice);
      const b = ossClientWithToken(bob);
      const bobKey = `${bob.prefix}${mode}-holiday.mov`;
      const { uploadId: bobUpload } = await b.initMultipartUpload(bobKey);
      const aliceKey = `${alice.prefix}${mode}-notes.bin`;
      const { uploadId: aliceUpload } = await a.initMultipartUpload(aliceKey);

      // Alice cannot write next to Bob's upload, overwrite it, add parts to it or complete it.
      expect(await ossErrorCode(a.put(bobKey, Buffer.from('mine now')))).toBe('AccessDenied');
      expect(await ossErrorCode(a.put(`${bob.prefix}other.txt`, Buffer.from('x')))).toBe('AccessDenied');
      expect(await ossErrorCode(a.initMultipartUpload(bobKey))).toBe('AccessDenied');
      expect(await ossErrorCode(a.uploadPart(bobKey, bobUpload, 1, Buffer.alloc(10), 0, 10))).toBe(
        'AccessDenied',
      );
      // …nor abort it or read its parts.
      expect(await ossErrorCode(a.abortMultipartUpload(bobKey, bobUpload))).toBe('AccessDenied');
      expect(await ossErrorCode(a.listParts(bobKey, bobUpload, {} as never, {}))).toBe('AccessDenied');
      // …nor list it: not by Bob's prefix, not by the common one, not the bucket, not a prefix of hers
      // without its slash (which would take in `alice@example.com.evil/`).
      for (const prefix of [bob.prefix, 'uploads/', 'uploads/alice@example.com', undefined]) {
        const listing = a.listUploads(prefix === undefined ? {} : { prefix }, {});
        expect(await ossErrorCode(listing), String(prefix)).toBe('AccessDenied');
      }
      // Her own prefix lists her upload alone.
      const own = await a.listUploads({ prefix: alice.prefix }, {});
      expect((own.uploads as { name: string }[]).map((u) => u.name)).toEqual([aliceKey]);
      // Nothing of Bob's was touched; Alice aborts her own.
      expect(await unfinishedKeys()).toEqual(expect.arrayContaining([bobKey, aliceKey]));
      expect(statusOf(await a.abortMultipartUpload(aliceKey, aliceUpload))).toBe(204);
      expect(statusOf(await b.abortMultipartUpload(bobKey, bobUpload))).toBe(204);
    });

    it('look up only their own objects through the token service', async () => {
      const bob = await issue('bob');
      const key = `${bob.prefix}${mode}-looked-up.txt`;
      await ossClientWithToken(bob).put(key, Buffer.from('bob only'));
      expect((await lookup('bob', key)).body).toMatchObject({ exists: true, size: 8 });
      const byAlice = await lookup('alice', key);
      expect(byAlice.status).toBe(400);
      expect(byAlice.body.message).toContain('outside the prefix "uploads/alice@example.com/"');
    });

    it('an administrator sees and aborts every user’s uploads, and writes only under their own prefix', async () => {
      const [alice, carol] = [await issue('alice'), await issue('carol')];
      expect(carol).toMatchObject({ prefix: 'uploads/carol@example.com/', listPrefix: 'uploads/' });
      const aliceKey = `${alice.prefix}${mode}-abandoned.bin`;
      const { uploadId } = await ossClientWithToken(alice).initMultipartUpload(aliceKey);
      const c = ossClientWithToken(carol);
      const everyone = await c.listUploads({ prefix: carol.listPrefix }, {});
      expect((everyone.uploads as { name: string }[]).map((u) => u.name)).toContain(aliceKey);
      expect(await ossErrorCode(c.put(`${alice.prefix}planted.txt`, Buffer.from('x')))).toBe('AccessDenied');
      expect(await ossErrorCode(c.listUploads({}, {}))).toBe('AccessDenied');
      expect(statusOf(await c.abortMultipartUpload(aliceKey, uploadId))).toBe(204);
      expect(await unfinishedKeys()).not.toContain(aliceKey);
    });
  });
}

isolationSuite('proxy-header', async () => {
  const app = await startTestApp(emulator.url, {
    TOKEN_ACCESS: 'proxy-header',
    TOKEN_PROXY_HEADER: 'X-Authenticated-User',
    TOKEN_PROXY_GROUPS_HEADER: 'X-Authenticated-Groups',
    TOKEN_ADMIN_GROUP: 'skylift-admins',
  });
  apps.push(app);
  const headers = (person: string) => ({
    'x-authenticated-user': `${person}@example.com`,
    'x-authenticated-groups': person === 'carol' ? 'staff, skylift-admins' : 'staff',
  });
  return {
    issue: async (person) =>
      (await post(app.credentialsUrl, headers(person))).body as unknown as TemporaryCredentials,
    lookup: (person, key) =>
      post(app.credentialsUrl.replace('/credentials', '/object-status'), headers(person), { key }),
  };
});

isolationSuite('OpenID Connect', async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startTestIdentityProvider([publicUrl]);
  const app = await startTestApp(emulator.url, provider.env(publicUrl), { port });
  apps.push(app);
  const cookies = new Map<string, string>();
  const cookie = async (person: string) => {
    if (!cookies.has(person)) cookies.set(person, (await signInOverHttp(publicUrl, person)).cookie!);
    return { cookie: cookies.get(person)! };
  };
  return {
    issue: async (person) =>
      (await post(app.credentialsUrl, await cookie(person))).body as unknown as TemporaryCredentials,
    lookup: async (person, key) =>
      post(app.credentialsUrl.replace('/credentials', '/object-status'), await cookie(person), { key }),
  };
});

describe('names that look like someone else’s', () => {
  it('never reach into another user’s prefix', async () => {
    const app = await startTestApp(emulator.url, {
      TOKEN_ACCESS: 'proxy-header',
      TOKEN_PROXY_HEADER: 'X-Authenticated-User',
    });
    apps.push(app);
    const as = async (user: string) =>
      (await post(app.credentialsUrl, { 'x-authenticated-user': user }))
        .body as unknown as TemporaryCredentials;
    const alice = await as('alice');
    for (const user of ['alice/../bob', 'alice/x', 'alice*', '..', 'alice.evil']) {
      const lookalike = await as(user);
      expect(lookalike.prefix.startsWith(alice.prefix), user).toBe(false);
      expect(
        await ossErrorCode(ossClientWithToken(lookalike).put(`${alice.prefix}x.txt`, Buffer.from('x'))),
        user,
      ).toBe('AccessDenied');
      expect(
        statusOf(await ossClientWithToken(lookalike).put(`${lookalike.prefix}x.txt`, Buffer.from('x'))),
        user,
      ).toBe(200);
    }
  });
});
