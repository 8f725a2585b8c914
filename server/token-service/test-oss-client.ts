// Test support: the real ali-oss client signed with credentials from the token service, pointed at
// the test emulator, and the OSS error code of a call that fails ('no error' when it succeeds).
import OSS from 'ali-oss';
import type { TemporaryCredentials } from '../../lib/credentials/temporary-credentials.ts';

export function ossClient(credentials: TemporaryCredentials, bucket = credentials.bucket): OSS {
  const refresh = { accessKeyId: '', accessKeySecret: '', stsToken: '' };
  return new OSS({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    stsToken: credentials.securityToken,
    bucket,
    endpoint: credentials.endpoint,
    region: credentials.region,
    authorizationV4: true,
    // An IP endpoint with cname makes the emulator use its default bucket; path style (sldEnable)
    // names any other bucket in the URL.
    ...(bucket === credentials.bucket ? { cname: true } : { sldEnable: true }),
    // Never called within these tests; set so ali-oss does not warn about its absence.
    refreshSTSToken: async () => refresh,
  } as OSS.Options);
}

export const statusOf = (result: unknown) => (result as { res: { status: number } }).res.status;

export async function ossErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}
