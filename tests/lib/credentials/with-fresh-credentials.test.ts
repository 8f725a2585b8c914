import { describe, expect, it } from 'vitest';
import type { CredentialsProvider } from '../../../lib/credentials/credentials-provider.ts';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { withFreshCredentials } from '../../../lib/credentials/with-fresh-credentials.ts';

function countingProvider() {
  let issued = 0;
  let current: TemporaryCredentials | undefined;
  const invalidated: (TemporaryCredentials | undefined)[] = [];
  const provider: CredentialsProvider = {
    async get() {
      if (!current) {
        issued += 1;
        current = {
          accessKeyId: `STS.key${issued}`,
          accessKeySecret: 's',
          securityToken: 't',
          expiration: '2099-01-01T00:00:00Z',
          region: 'oss-cn-hangzhou',
          bucket: 'b',
          endpoint: 'http://127.0.0.1',
          prefix: 'uploads/',
        };
      }
      return current;
    },
    invalidate(failed) {
      invalidated.push(failed);
      if (!failed || failed === current) current = undefined;
    },
  };
  return { provider, invalidated, issued: () => issued };
}

const ossError = (code: string, status = 403) =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId><HostId>h</HostId></Error>`,
    { status, headers: { 'Content-Type': 'application/xml' } },
  );

describe('withFreshCredentials', () => {
  it.each(['SecurityTokenExpired', 'InvalidSecurityToken'])(
    'retries once with new credentials after a %s response',
    async (code) => {
      const { provider, invalidated } = countingProvider();
      const used: string[] = [];
      const response = await withFreshCredentials(provider, async (creds) => {
        used.push(creds.accessKeyId);
        return used.length === 1 ? ossError(code) : new Response('done');
      });
      expect(await response.text()).toBe('done');
      expect(used).toEqual(['STS.key1', 'STS.key2']);
      expect(invalidated.map((c) => c?.accessKeyId)).toEqual(['STS.key1']);
    },
  );

  it('retries after an error thrown with that code (ali-oss style)', async () => {
    const { provider } = countingProvider();
    let calls = 0;
    const result = await withFreshCredentials(provider, async (creds) => {
      calls += 1;
      if (calls === 1)
        throw Object.assign(new Error('expired'), { code: 'SecurityTokenExpired', status: 403 });
      return creds.accessKeyId;
    });
    expect(result).toBe('STS.key2');
  });

  it('retries exactly once: a second stale-token answer is returned to the caller', async () => {
    const { provider, issued } = countingProvider();
    let calls = 0;
    const response = await withFreshCredentials(provider, async () => {
      calls += 1;
      return ossError('InvalidSecurityToken');
    });
    expect(calls).toBe(2);
    expect(issued()).toBe(2);
    expect(response.status).toBe(403);
    // The body is still readable: the check read a clone.
    expect(await response.text()).toContain('InvalidSecurityToken');
  });

  it('leaves other failures alone', async () => {
    const { provider, issued } = countingProvider();
    let calls = 0;
    const denied = await withFreshCredentials(provider, async () => {
      calls += 1;
      return ossError('AccessDenied');
    });
    expect(denied.status).toBe(403);
    const thrown = withFreshCredentials(provider, async () => {
      calls += 1;
      throw Object.assign(new Error('nope'), { code: 'NoSuchUpload' });
    });
    await expect(thrown).rejects.toThrow('nope');
    const server = await withFreshCredentials(provider, async () => {
      calls += 1;
      return ossError('InternalError', 500);
    });
    expect(server.status).toBe(500);
    expect(calls).toBe(3);
    expect(issued()).toBe(1);
  });
});
