// The emulator's stand-in for sts.aliyuncs.com: the AssumeRole RPC (Version 2015-04-01) exactly as the
// ali-oss STS client and Alibaba's other SDKs call it, issuing self-contained temporary credentials.

import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { uriEncode } from '../../../lib/oss/uri-encode.ts';
import { ROLE_ARN } from '../../ram/role-arn.ts';
import type { SessionPolicyStatement } from './auth-types.ts';
import { MAX_SKEW_MS } from './clock.ts';
import { PolicyGrammarError, parseSessionPolicy } from './session-policy.ts';
import { issueCredentials, STS_ACCESS_KEY_PREFIX } from './sts-token.ts';

export interface StsHandlerOptions {
  rootAccessKeyId: string;
  rootAccessKeySecret: string;
  /** Seals the issued tokens; defaults to the root secret. Must equal the authenticator's tokenSecret. */
  tokenSecret?: string;
  now?: () => number;
  /** Shortest DurationSeconds accepted; real STS uses 900, tests pass 1 to watch credentials expire. */
  minDurationSeconds?: number;
}

export type StsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const API_VERSION = '2015-04-01';
const DEFAULT_DURATION_SECONDS = 3600;
const MAX_DURATION_SECONDS = 43200;
const MAX_BODY_BYTES = 64 * 1024;
const ROLE_SESSION_NAME = /^[\w.@-]{2,64}$/;
// ali-oss sends Date#toISOString() (milliseconds); other SDKs send whole seconds.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const REQUIRED = [
  'Action',
  'Version',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'RoleArn',
  'RoleSessionName',
] as const;

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalidParameter = (name: string, message: string) =>
  new StsError(400, `InvalidParameter.${name}`, message);

/** The RPC canonical string: sorted `name=value` pairs, RFC 3986-encoded, then the whole thing encoded again. */
function rpcStringToSign(method: string, params: Map<string, string>): string {
  const canonical = [...params]
    .filter(([name]) => name !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .join('&');
  return `${method}&${uriEncode('/')}&${uriEncode(canonical)}`;
}

function sameSignature(provided: string, expected: string): boolean {
  const a = Buffer.from(provided);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StsError(400, 'InvalidParameter', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Form and query parameters together; a parameter given twice is ambiguous and refused. */
async function readParams(req: IncomingMessage): Promise<Map<string, string>> {
  const sources = [new URL(req.url ?? '/', 'http://sts').searchParams];
  if (req.method === 'POST') sources.push(new URLSearchParams(await readBody(req)));
  const params = new Map<string, string>();
  for (const source of sources) {
    for (const [name, value] of source) {
      if (params.has(name)) {
        throw new StsError(400, 'InvalidParameter', `The parameter ${name} is specified more than once.`);
      }
      params.set(name, value);
    }
  }
  return params;
}

/** A stable numeric role id (real STS shows the RAM role's id) so AssumedRoleId looks like the real one. */
function roleId(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  return (digest.readBigUInt64BE(0) % 10n ** 17n).toString().padStart(17, '3');
}

const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export function createStsHandler(options: StsHandlerOptions): StsHandler {
  const now = options.now ?? Date.now;
  const tokenSecret = options.tokenSecret ?? options.rootAccessKeySecret;
  const minDuration = options.minDurationSeconds ?? 900;

  function checkCaller(method: string, params: Map<string, string>): void {
    for (const name of REQUIRED) {
      if (!params.get(name)) {
        throw new StsError(
          400,
          'MissingParameter',
          `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
        );
      }
    }
    if (params.get('Action') !== 'AssumeRole') {
      throw new StsError(
        404,
        'InvalidAction.NotFound',
        `Specified api is not found, please check your url and method. The emulator's STS supports only AssumeRole.`,
      );
    }
    if (params.get('Version') !== API_VERSION) {
      throw new StsError(
        400,
        'InvalidVersion',
        `Specified parameter Version is not valid; use ${API_VERSION}.`,
      );
    }
    const format = params.get('Format') ?? 'JSON';
    if (format.toUpperCase() !== 'JSON') {
      throw invalidParameter('Format', 'The emulator answers in JSON only; send Format=JSON.');
    }
    if (params.get('SignatureMethod') !== 'HMAC-SHA1' || params.get('SignatureVersion') !== '1.0') {
      throw new StsError(
        400,
        'InvalidParameter.SignatureMethod',
        'Only SignatureMethod=HMAC-SHA1 with SignatureVersion=1.0 is supported.',
      );
    }
    const accessKeyId = params.get('AccessKeyId')!;
    if (accessKeyId.startsWith(STS_ACCESS_KEY_PREFIX)) {
      throw new StsError(
        403,
        'NoPermission',
        `You are not authorized to do this action: temporary credentials (${accessKeyId}) cannot call AssumeRole. Sign with the root AccessKey.`,
      );
    }
    if (accessKeyId !== options.rootAccessKeyId) {
      throw new StsError(
        404,
        'InvalidAccessKeyId.NotFound',
        `Specified access key is not found: ${accessKeyId}.`,
      );
    }
    const timestamp = params.get('Timestamp')!;
    if (!TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
      throw new StsError(
        400,
        'InvalidTimeStamp.Format',
        `Specified time stamp or date value is not well formatted: "${timestamp}" (expected yyyy-MM-ddTHH:mm:ssZ, UTC).`,
      );
    }
    if (Math.abs(now() - Date.parse(timestamp)) > MAX_SKEW_MS) {
      throw new StsError(
        400,
        'InvalidTimeStamp.Expired',
        `Specified time stamp or date value is expired: ${timestamp}, server time ${isoSeconds(now())}.`,
      );
    }
    const stringToSign = rpcStringToSign(method, params);
    const expected = createHmac('sha1', `${options.rootAccessKeySecret}&`)
      .update(stringToSign)
      .digest('base64');
    if (!sameSignature(params.get('Signature')!, expected)) {
      throw new StsError(
        400,
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
      );
    }
  }

  function readGrant(params: Map<string, string>) {
    const roleArn = params.get('RoleArn')!;
    const arn = ROLE_ARN.exec(roleArn);
    if (!arn) {
      throw invalidParameter(
        'RoleArn',
        `The parameter RoleArn is wrongly formed: "${roleArn}" (expected acs:ram::<account id>:role/<role name>).`,
      );
    }
    const sessionName = params.get('RoleSessionName')!;
    if (!ROLE_SESSION_NAME.test(sessionName)) {
      throw invalidParameter(
        'RoleSessionName',
        `The parameter RoleSessionName is wrongly formed: use 2 to 64 letters, digits, '.', '@', '-' or '_'.`,
      );
    }
    const rawDuration = params.get('DurationSeconds') ?? String(DEFAULT_DURATION_SECONDS);
    const duration = Number(rawDuration);
    if (!/^\d+$/.test(rawDuration) || duration < minDuration || duration > MAX_DURATION_SECONDS) {
      throw invalidParameter(
        'DurationSeconds',
        `The Min/Max value of DurationSeconds is ${minDuration}/${MAX_DURATION_SECONDS} seconds, got "${rawDuration}".`,
      );
    }
    let policy: SessionPolicyStatement[] | undefined;
    const policyText = params.get('Policy');
    if (policyText !== undefined) {
      try {
        policy = parseSessionPolicy(policyText);
      } catch (err) {
        if (!(err instanceof PolicyGrammarError)) throw err;
        throw invalidParameter(
          'PolicyGrammar',
          `The parameter Policy has not passed grammar check. ${err.message}`,
        );
      }
    }
    return { roleArn, accountId: arn[1]!, roleName: arn[2]!, sessionName, duration, policy };
  }

  return async (req, res) => {
    const requestId = randomUUID().toUpperCase();
    const send = (status: number, body: object) => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json;charset=utf-8',
        'Content-Length': Buffer.byteLength(json),
      });
      res.end(json);
    };
    try {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'POST') {
        throw new StsError(
          405,
          'UnsupportedHTTPMethod',
          `Method ${method} is not supported; use POST or GET.`,
        );
      }
      const params = await readParams(req);
      checkCaller(method, params);
      const grant = readGrant(params);
      const expiresAt = Math.floor(now() / 1000) + grant.duration;
      const credentials = issueCredentials(tokenSecret, {
        expiresAt,
        roleArn: grant.roleArn,
        sessionName: grant.sessionName,
        ...(grant.policy ? { policy: grant.policy } : {}),
      });
      send(200, {
        RequestId: requestId,
        AssumedRoleUser: {
          Arn: `acs:ram::${grant.accountId}:role/${grant.roleName.toLowerCase()}/${grant.sessionName}`,
          AssumedRoleId: `${roleId(grant.roleArn)}:${grant.sessionName}`,
        },
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          AccessKeySecret: credentials.accessKeySecret,
          SecurityToken: credentials.securityToken,
          Expiration: isoSeconds(expiresAt * 1000),
        },
      });
    } catch (err) {
      const error =
        err instanceof StsError
          ? err
          : new StsError(
              500,
              'InternalError',
              'The request processing has failed due to some unknown error.',
            );
      send(error.status, {
        RequestId: requestId,
        HostId: req.headers.host ?? 'sts.aliyuncs.com',
        Code: error.code,
        Message: error.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${error.code}&product=Sts`,
      });
    }
  };
}
