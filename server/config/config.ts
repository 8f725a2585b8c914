// Skylift's configuration, read once from the environment. Every variable, its default and its
// meaning is listed in docs/configuration.md; invalid values stop start-up with a message that names
// the variable, and in real-OSS mode every missing variable is named at once.

import { isIP } from 'node:net';
import { BUCKET_NAME } from '../../lib/oss/bucket-name.ts';
import { isLoopbackHost, normaliseHostName } from '../net/addresses.ts';
import { networkList } from '../net/network-list.ts';
import { checkOriginPattern } from '../net/origin-pattern.ts';
import { ROLE_ARN } from '../ram/role-arn.ts';
import { EMULATOR_DEFAULTS } from './emulator-defaults.ts';

export class ConfigError extends Error {}

export interface EmulatorConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Origins whose pages may use the bucket from a browser (CORS): the app's own, plus OSS_EMULATOR_CORS_ORIGINS. */
  corsOrigins: string[];
  /** Host names besides localhost and loopback IPs that requests may address (OSS_EMULATOR_ALLOWED_HOSTS). */
  allowedHosts: string[];
  /** Loopback/private networks upload callbacks may call (OSS_EMULATOR_CALLBACK_ALLOW). */
  callbackAllowedNetworks: string[];
}

/** Who may obtain temporary credentials from POST /api/credentials. */
export type TokenAccessConfig =
  /** Only clients connecting from this machine (the emulator-mode default). */
  | { kind: 'loopback' }
  /** Clients presenting `Authorization: Bearer <secret>`. */
  | { kind: 'bearer'; secret: string }
  /**
   * Clients an authenticating reverse proxy vouches for by setting `header` (e.g. the user name);
   * only believed when the connection comes from one of `trustedProxies`.
   */
  | {
      kind: 'proxy-header';
      header: string;
      trustedProxies: string[];
      /** Header in which the proxy lists the user's groups, comma-separated (e.g. X-Forwarded-Groups). */
      groupsHeader?: string;
    }
  /** Users signed in by Skylift itself through an OpenID Connect provider (sessions in cookies). */
  | { kind: 'oidc'; oidc: OidcConfig; session: SessionConfig };

export interface OidcConfig {
  /** Issuer URL; its /.well-known/openid-configuration describes the provider. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes requested at sign-in. */
  scopes: string;
  /** ID token or UserInfo claim that names the user (and so their key prefix). */
  userClaim: string;
  /** Claim listing the user's groups. */
  groupsClaim: string;
  /** Users (values of userClaim) who may sign in; `*` lets in everyone the provider authenticates. */
  allowedUsers: string[];
  /** Members of these groups may sign in. */
  allowedGroups: string[];
}

/** Sign-in sessions live in encrypted cookies: any instance holding the secret can read them. */
export interface SessionConfig {
  /** Key material for the session cookies (SESSION_SECRET); the same on every instance. */
  secret: string;
  maxAgeSeconds: number;
}

export interface TokenServiceConfig {
  /** RAM role assumed for every token. */
  roleArn: string;
  /** STS AssumeRole endpoint; undefined = the emulator's (emulator mode) or Alibaba's public one. */
  stsEndpoint?: string;
  /** Key prefix the tokens are limited to, e.g. `uploads/`. */
  prefix: string;
  durationSeconds: number;
  access: TokenAccessConfig;
  /** Requests per minute per client. */
  rateLimitPerMinute: number;
  /** Members of this group (OIDC claim or proxy groups header) see and clean up every user's uploads. */
  adminGroup?: string;
}

export interface SkyliftConfig {
  host: string;
  port: number;
  /**
   * The origin people open the app at (PUBLIC_URL), e.g. https://skylift.example.com behind a load
   * balancer: the sign-in redirect URL is built from it, and credential requests from pages of
   * other origins are refused.
   */
  publicUrl?: string;
  /**
   * On SIGTERM, how long the server keeps serving while its health check already answers 503, so a
   * load balancer stops sending it requests first (DRAIN_SECONDS).
   */
  drainSeconds: number;
  /** Set when the app runs against the embedded emulator (OSS_ENDPOINT unset). */
  emulator?: EmulatorConfig;
  oss: {
    bucket: string;
    region: string;
    /** Real OSS endpoint; undefined in emulator mode, where the emulator's URL is used. */
    endpoint?: string;
    /** Long-term key of the RAM user that may assume the role. Server-side only, never sent to a browser. */
    accessKeyId: string;
    accessKeySecret: string;
  };
  token: TokenServiceConfig;
}

type Env = Record<string, string | undefined>;

/** Real STS refuses shorter and longer tokens; the emulator accepts any positive length for tests. */
export const STS_DURATION_LIMITS = { min: 900, max: 43200, emulatorMin: 1 } as const;
const DEFAULT_DURATION_SECONDS = 3600;
const DEFAULT_RATE_LIMIT_PER_MINUTE = 30;
/** Shorter bearer secrets could be guessed; `openssl rand -base64 32` gives 44 characters. */
export const MIN_BEARER_SECRET_LENGTH = 32;
/** The session key is derived from SESSION_SECRET; shorter secrets could be guessed. */
export const MIN_SESSION_SECRET_LENGTH = 32;
const DEFAULT_SESSION_SECONDS = 8 * 3600;

function integer(env: Env, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new ConfigError(`${name} must be ${what} between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

const port = (env: Env, name: string, fallback: number) =>
  integer(env, name, fallback, 1, 65535, 'a TCP port');

function matching(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const value = env[name] || fallback;
  if (!pattern.test(value)) throw new ConfigError(`${name} must be ${what}, got "${value}"`);
  return value;
}

const REGION = /^oss-[a-z0-9-]+$/;
/** The shape STS accepts (and the emulator checks). */
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** `oss-cn-hangzhou.aliyuncs.com` and `oss-cn-hangzhou-internal.aliyuncs.com` name their region. */
const REGIONAL_ENDPOINT_HOST = /^(oss-[a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/;

function httpUrl(env: Env, name: string, example: string): URL | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${example}, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must use http or https, got "${raw}"`);
  }
  return url;
}

/**
 * OSS_PREFIX goes into the session policy as `<bucket>/<prefix>*`, so it must not contain the
 * policy wildcards, and it ends with `/` so `uploads/` cannot be widened to `uploads-old/`.
 */
function prefix(env: Env): string {
  const value = env.OSS_PREFIX ?? 'uploads/';
  const hasControl = [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  const rules: [broken: boolean, problem: string][] = [
    [value === '', 'must not be empty (the token would cover the whole bucket)'],
    [value.startsWith('/'), 'must not start with "/"'],
    [!value.endsWith('/'), 'must end with "/"'],
    [/[*?]/.test(value), 'must not contain "*" or "?" (they are policy wildcards)'],
    [hasControl || value.includes('\\'), 'must not contain control characters or "\\"'],
    [value.length > 512, 'must be at most 512 characters'],
  ];
  const problem = rules.find(([broken]) => broken)?.[1];
  if (problem) throw new ConfigError(`OSS_PREFIX ${problem}, got "${value}"`);
  return value;
}

function trustedProxies(env: Env): string[] {
  const raw = env.TOKEN_TRUSTED_PROXIES || '127.0.0.1,::1';
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((ip) => isIP(ip) === 0);
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError(
      `TOKEN_TRUSTED_PROXIES must be a comma-separated list of IP addresses, got "${raw}"`,
    );
  }
  return list;
}

/** Plain http is accepted for this machine only (a provider or app under test); anything else needs https. */
function secureUrl(env: Env, name: string, example: string): URL | undefined {
  const url = httpUrl(env, name, example);
  if (url && url.protocol === 'http:' && !isLoopbackHost(url.host)) {
    throw new ConfigError(`${name} must use https (http only for localhost), got "${env[name]}"`);
  }
  return url;
}

function oidcConfig(env: Env): OidcConfig {
  const absent = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter((name) => !env[name]);
  if (absent.length > 0) {
    throw new ConfigError(
      `${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} required when TOKEN_ACCESS=oidc`,
    );
  }
  const issuer = secureUrl(env, 'OIDC_ISSUER', 'https://login.example.com/realms/acme')!;
  const allowedUsers = list(env, 'OIDC_ALLOWED_USERS', () => undefined);
  const allowedGroups = list(env, 'OIDC_ALLOWED_GROUPS', () => undefined);
  if (allowedUsers.length === 0 && allowedGroups.length === 0 && !env.TOKEN_ADMIN_GROUP) {
    // Many providers authenticate anyone with an account (any Google user, say): say who may in.
    throw new ConfigError(
      'TOKEN_ACCESS=oidc needs OIDC_ALLOWED_USERS or OIDC_ALLOWED_GROUPS (OIDC_ALLOWED_USERS=* lets in everyone the provider signs in)',
    );
  }
  const scopes = (env.OIDC_SCOPES || 'openid email profile').trim().split(/\s+/);
  if (!scopes.includes('openid')) {
    throw new ConfigError(`OIDC_SCOPES must include openid, got "${env.OIDC_SCOPES}"`);
  }
  return {
    issuer: issuer.href,
    clientId: env.OIDC_CLIENT_ID!,
    clientSecret: env.OIDC_CLIENT_SECRET!,
    scopes: scopes.join(' '),
    userClaim: env.OIDC_USER_CLAIM || 'email',
    groupsClaim: env.OIDC_GROUPS_CLAIM || 'groups',
    allowedUsers,
    allowedGroups,
  };
}

/** Real deployments keep sessions at least this long; the emulator allows short ones, to watch them end. */
export const SESSION_MAX_AGE_LIMITS = { min: 300, max: 30 * 86400, emulatorMin: 1 } as const;

function sessionConfig(env: Env, emulatorMode: boolean): SessionConfig {
  const secret = env.SESSION_SECRET ?? '';
  if (secret === '') {
    throw new ConfigError(
      'SESSION_SECRET is required when TOKEN_ACCESS=oidc (the same value on every instance; openssl rand -base64 32)',
    );
  }
  if (secret.length < MIN_SESSION_SECRET_LENGTH) {
    throw new ConfigError(
      `SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters (it has ${secret.length})`,
    );
  }
  const maxAgeSeconds = integer(
    env,
    'SESSION_MAX_AGE_SECONDS',
    DEFAULT_SESSION_SECONDS,
    emulatorMode ? SESSION_MAX_AGE_LIMITS.emulatorMin : SESSION_MAX_AGE_LIMITS.min,
    SESSION_MAX_AGE_LIMITS.max,
    'a number of seconds',
  );
  return { secret, maxAgeSeconds };
}

/** PUBLIC_URL: an origin (scheme, host, port), since the app is served from the root of its host. */
function publicUrl(env: Env, access: TokenAccessConfig): string | undefined {
  const url = secureUrl(env, 'PUBLIC_URL', 'https://skylift.example.com');
  if (!url) {
    if (access.kind === 'oidc') {
      throw new ConfigError(
        'PUBLIC_URL is required when TOKEN_ACCESS=oidc (the address people open, e.g. https://skylift.example.com)',
      );
    }
    return undefined;
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(
      `PUBLIC_URL must be an origin without a path, e.g. ${url.origin}, got "${env.PUBLIC_URL}"`,
    );
  }
  return url.origin;
}

function adminGroup(env: Env, access: TokenAccessConfig): string | undefined {
  const group = env.TOKEN_ADMIN_GROUP?.trim();
  if (!group) return undefined;
  const knowsGroups = access.kind === 'oidc' || (access.kind === 'proxy-header' && access.groupsHeader);
  if (!knowsGroups) {
    throw new ConfigError(
      'TOKEN_ADMIN_GROUP needs to know groups: TOKEN_ACCESS=oidc, or proxy-header with TOKEN_PROXY_GROUPS_HEADER',
    );
  }
  return group;
}

function tokenAccess(env: Env, emulatorMode: boolean, missing: string[]): TokenAccessConfig {
  const kind = env.TOKEN_ACCESS || (emulatorMode ? 'loopback' : '');
  switch (kind) {
    case '':
      missing.push('TOKEN_ACCESS (loopback, bearer, proxy-header or oidc: who may obtain upload tokens)');
      return { kind: 'loopback' };
    case 'loopback':
      return { kind };
    case 'bearer': {
      const secret = env.TOKEN_BEARER_SECRET ?? '';
      if (secret === '') {
        throw new ConfigError('TOKEN_BEARER_SECRET is required when TOKEN_ACCESS=bearer');
      }
      if (secret.length < MIN_BEARER_SECRET_LENGTH) {
        // The value itself is never echoed: it is a secret.
        throw new ConfigError(
          `TOKEN_BEARER_SECRET must be at least ${MIN_BEARER_SECRET_LENGTH} characters (it has ${secret.length})`,
        );
      }
      return { kind, secret };
    }
    case 'proxy-header': {
      const header = env.TOKEN_PROXY_HEADER ?? '';
      if (header === '') {
        throw new ConfigError('TOKEN_PROXY_HEADER is required when TOKEN_ACCESS=proxy-header');
      }
      if (!HEADER_NAME.test(header)) {
        throw new ConfigError(`TOKEN_PROXY_HEADER must be an HTTP header name, got "${header}"`);
      }
      const groupsHeader = env.TOKEN_PROXY_GROUPS_HEADER ?? '';
      if (groupsHeader !== '' && !HEADER_NAME.test(groupsHeader)) {
        throw new ConfigError(`TOKEN_PROXY_GROUPS_HEADER must be an HTTP header name, got "${groupsHeader}"`);
      }
      return {
        kind,
        header: header.toLowerCase(),
        trustedProxies: trustedProxies(env),
        ...(groupsHeader ? { groupsHeader: groupsHeader.toLowerCase() } : {}),
      };
    }
    case 'oidc':
      return { kind, oidc: oidcConfig(env), session: sessionConfig(env, emulatorMode) };
    default:
      throw new ConfigError(`TOKEN_ACCESS must be loopback, bearer, proxy-header or oidc, got "${kind}"`);
  }
}

/** A comma-separated list, each entry checked by `check` (which throws an Error saying what is wrong). */
function list(env: Env, name: string, check: (entry: string) => unknown): string[] {
  const entries = (env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    try {
      check(entry);
    } catch (error) {
      throw new ConfigError(`${name}: ${(error as Error).message}`);
    }
  }
  return entries;
}

/**
 * The origins a browser shows the app under when it listens on `host`:`port` — what the emulator's
 * CORS must allow for the app's own page. Unspecified addresses (0.0.0.0, ::) name no origin.
 */
export function appOrigins(host: string, port: number): string[] {
  const names = new Set(['localhost', '127.0.0.1']);
  try {
    const name = normaliseHostName(host);
    if (name !== '0.0.0.0' && name !== '[::]') names.add(name);
  } catch {
    // Not a host name a browser could use: only the loopback names reach the app.
  }
  return [...names].map((name) => `http://${name}:${port}`);
}

function emulatorConfig(env: Env, appHost: string, appPort: number): EmulatorConfig {
  return {
    host: EMULATOR_DEFAULTS.host,
    port: port(env, 'OSS_EMULATOR_PORT', EMULATOR_DEFAULTS.port),
    dataDir: env.DATA_DIR || EMULATOR_DEFAULTS.dataDir,
    corsOrigins: [
      ...new Set([
        ...appOrigins(appHost, appPort),
        ...list(env, 'OSS_EMULATOR_CORS_ORIGINS', checkOriginPattern),
      ]),
    ],
    allowedHosts: list(env, 'OSS_EMULATOR_ALLOWED_HOSTS', normaliseHostName),
    callbackAllowedNetworks: list(env, 'OSS_EMULATOR_CALLBACK_ALLOW', (entry) => networkList([entry])),
  };
}

function region(env: Env, ossEndpoint: URL | undefined, missing: string[]): string {
  const fromEndpoint = ossEndpoint && REGIONAL_ENDPOINT_HOST.exec(ossEndpoint.hostname)?.[1];
  if (ossEndpoint && !env.OSS_REGION && !fromEndpoint) {
    missing.push('OSS_REGION (the endpoint does not name its region)');
  }
  const fallback = fromEndpoint || EMULATOR_DEFAULTS.region;
  return matching(env, 'OSS_REGION', fallback, REGION, 'an OSS region such as oss-cn-hangzhou');
}

export function loadConfig(env: Env = process.env): SkyliftConfig {
  const ossEndpoint = httpUrl(env, 'OSS_ENDPOINT', 'https://oss-cn-hangzhou.aliyuncs.com');
  const emulatorMode = ossEndpoint === undefined;
  // Real OSS has no defaults for what identifies the account: collect everything absent and name it
  // all in one message, so a deployment is not fixed one restart at a time.
  const missing: string[] = [];
  const required = (name: string, emulatorDefault: string): string => {
    const value = env[name] || (emulatorMode ? emulatorDefault : '');
    if (!value) missing.push(name);
    return value;
  };
  const accessKeyId = required('ALIBABA_CLOUD_ACCESS_KEY_ID', EMULATOR_DEFAULTS.accessKeyId);
  const accessKeySecret = required('ALIBABA_CLOUD_ACCESS_KEY_SECRET', EMULATOR_DEFAULTS.accessKeySecret);
  const bucketName = required('OSS_BUCKET', EMULATOR_DEFAULTS.bucket);
  const roleArn = required('OSS_STS_ROLE_ARN', EMULATOR_DEFAULTS.roleArn);
  const access = tokenAccess(env, emulatorMode, missing);
  const ossRegion = region(env, ossEndpoint, missing);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name} is required when OSS_ENDPOINT is set`).join('; '));
  }
  if (!ROLE_ARN.test(roleArn)) {
    throw new ConfigError(
      `OSS_STS_ROLE_ARN must look like acs:ram::<account id>:role/<role name>, got "${roleArn}"`,
    );
  }
  const minDuration = emulatorMode ? STS_DURATION_LIMITS.emulatorMin : STS_DURATION_LIMITS.min;
  const host = env.HOST || 'localhost';
  const appPort = port(env, 'PORT', 8080);
  const appPublicUrl = publicUrl(env, access);
  return {
    host,
    port: appPort,
    ...(appPublicUrl ? { publicUrl: appPublicUrl } : {}),
    drainSeconds: integer(env, 'DRAIN_SECONDS', 0, 0, 300, 'a number of seconds'),
    emulator: emulatorMode ? emulatorConfig(env, host, appPort) : undefined,
    oss: {
      bucket: matching(
        env,
        'OSS_BUCKET',
        bucketName,
        BUCKET_NAME,
        '3–63 lowercase letters, digits or hyphens',
      ),
      region: ossRegion,
      endpoint: ossEndpoint?.origin,
      accessKeyId,
      accessKeySecret,
    },
    token: {
      roleArn,
      stsEndpoint: httpUrl(env, 'OSS_STS_ENDPOINT', 'https://sts.cn-hangzhou.aliyuncs.com')?.href,
      prefix: prefix(env),
      durationSeconds: integer(
        env,
        'OSS_STS_DURATION_SECONDS',
        DEFAULT_DURATION_SECONDS,
        minDuration,
        STS_DURATION_LIMITS.max,
        emulatorMode ? 'a number of seconds' : 'a number of seconds (the range real STS accepts)',
      ),
      access,
      rateLimitPerMinute: integer(
        env,
        'TOKEN_RATE_LIMIT',
        DEFAULT_RATE_LIMIT_PER_MINUTE,
        1,
        10000,
        'a number of requests per minute',
      ),
      ...(adminGroup(env, access) ? { adminGroup: adminGroup(env, access) } : {}),
    },
  };
}
