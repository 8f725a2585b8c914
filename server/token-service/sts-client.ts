// AssumeRole through ali-oss's STS client, the same code path for the emulator's /-/sts and for
// sts.aliyuncs.com. Failures become StsFailure, whose message is safe to show and to log: it carries
// STS's code and request id, never the AccessKey secret (nor the key id, which STS echoes in some
// messages, e.g. SignatureDoesNotMatch's string to sign).
import OSS from 'ali-oss';

export const ALIBABA_STS_ENDPOINT = 'https://sts.aliyuncs.com';
const STS_TIMEOUT = '10s';

export interface AssumeRoleInput {
  roleArn: string;
  /** Session policy (JSON-serialisable RAM policy). */
  policy: object;
  durationSeconds: number;
  /** Shown in ActionTrail / the token's AssumedRoleUser: 2–64 of letters, digits, `.@-_`. */
  sessionName: string;
}

export interface AssumedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** ISO 8601. */
  expiration: string;
}

export interface StsClient {
  assumeRole(input: AssumeRoleInput): Promise<AssumedCredentials>;
}

export interface StsClientOptions {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
}

export class StsFailure extends Error {
  override name = 'StsFailure';
  constructor(
    message: string,
    /** STS's error code (e.g. NoPermission), or the network error code. */
    readonly code: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

/** Replaces every occurrence of the given secrets; used on anything STS or the network sends back. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((s) => s.length > 0)
    .reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

interface AliStsError {
  status?: number;
  code?: string;
  message?: string;
  requestId?: string;
}

export function createStsClient(options: StsClientOptions): StsClient {
  // ali-oss's typings omit these two options the client reads (lib/sts.js).
  const stsOptions: OSS.STSOptions & { endpoint: string; timeout: string } = {
    accessKeyId: options.accessKeyId,
    accessKeySecret: options.accessKeySecret,
    endpoint: options.endpoint,
    timeout: STS_TIMEOUT,
  };
  const sts = new OSS.STS(stsOptions);
  const secrets = [options.accessKeySecret, options.accessKeyId];

  return {
    async assumeRole({ roleArn, policy, durationSeconds, sessionName }) {
      let credentials: OSS.Credentials | undefined;
      try {
        ({ credentials } = await sts.assumeRole(roleArn, policy, durationSeconds, sessionName));
      } catch (error) {
        const e = (error ?? {}) as AliStsError;
        const code = e.code || 'StsUnreachable';
        const detail = e.status ? `HTTP ${e.status}, ${e.message ?? code}` : (e.message ?? String(error));
        throw new StsFailure(
          redact(`AssumeRole at ${options.endpoint} failed (${detail})`, secrets),
          code,
          e.requestId,
        );
      }
      if (!credentials?.AccessKeyId || !credentials.SecurityToken || !credentials.Expiration) {
        throw new StsFailure(
          `AssumeRole at ${options.endpoint} answered without credentials`,
          'InvalidResponse',
          undefined,
        );
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        accessKeySecret: credentials.AccessKeySecret,
        securityToken: credentials.SecurityToken,
        expiration: new Date(credentials.Expiration).toISOString(),
      };
    },
  };
}
