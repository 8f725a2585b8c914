import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { EMULATOR_DEFAULTS } from './emulator-defaults.ts';

/** The minimum a real-OSS deployment must set. */
const REAL_OSS = {
  OSS_ENDPOINT: 'https://oss-cn-shanghai.aliyuncs.com/',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tRealKeyId',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'real-secret',
  OSS_BUCKET: 'acme-uploads',
  OSS_STS_ROLE_ARN: 'acs:ram::1234567890123456:role/skylift-uploader',
  TOKEN_ACCESS: 'proxy-header',
  TOKEN_PROXY_HEADER: 'X-Authenticated-User',
};

const BEARER_SECRET = 'b'.repeat(32);

/** Skylift's own sign-in, at its minimum. */
const OIDC = {
  TOKEN_ACCESS: 'oidc',
  PUBLIC_URL: 'https://skylift.example.com',
  OIDC_ISSUER: 'https://login.example.com/realms/acme',
  OIDC_CLIENT_ID: 'skylift',
  OIDC_CLIENT_SECRET: 'client-secret',
  OIDC_ALLOWED_GROUPS: 'uploaders',
  SESSION_SECRET: 's'.repeat(32),
};

describe('loadConfig', () => {
  it('defaults to the embedded emulator with its well-known credentials', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.emulator).toEqual({
      host: '127.0.0.1',
      port: 9000,
      dataDir: './.data',
      // The app's own page, at the addresses a browser may show it under; no other page.
      corsOrigins: ['http://localhost:8080', 'http://127.0.0.1:8080'],
      allowedHosts: [],
      callbackAllowedNetworks: [],
    });
    expect(config.oss).toMatchObject({
      bucket: 'skylift-dev',
      region: 'oss-cn-hangzhou',
      endpoint: undefined,
      accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    });
    expect(config.token).toEqual({
      roleArn: EMULATOR_DEFAULTS.roleArn,
      stsEndpoint: undefined,
      prefix: 'uploads/',
      durationSeconds: 3600,
      access: { kind: 'loopback' },
      rateLimitPerMinute: 30,
    });
  });

  it('lets the emulator serve the app wherever it listens, and what the emulator variables add', () => {
    const config = loadConfig({
      HOST: 'Skylift.Test',
      PORT: '8100',
      OSS_EMULATOR_CORS_ORIGINS: 'http://localhost:5173, https://*.example.com,http://localhost:8100',
      OSS_EMULATOR_ALLOWED_HOSTS: 'emulator.test,192.0.2.1',
      OSS_EMULATOR_CALLBACK_ALLOW: '127.0.0.1, 10.0.0.0/8',
    });
    expect(config.emulator).toMatchObject({
      corsOrigins: [
        'http://localhost:8100',
        'http://127.0.0.1:8100',
        'http://skylift.test:8100',
        'http://localhost:5173',
        'https://*.example.com',
      ],
      allowedHosts: ['emulator.test', '192.0.2.1'],
      callbackAllowedNetworks: ['127.0.0.1', '10.0.0.0/8'],
    });
    expect(loadConfig({ HOST: '0.0.0.0' }).emulator?.corsOrigins).toEqual([
      'http://localhost:8080',
      'http://127.0.0.1:8080',
    ]);
    expect(loadConfig({ HOST: '::1' }).emulator?.corsOrigins).toContain('http://[::1]:8080');
  });

  it.each([
    [
      'OSS_EMULATOR_CORS_ORIGINS',
      'localhost:5173',
      /^OSS_EMULATOR_CORS_ORIGINS: "localhost:5173" is not an origin/,
    ],
    ['OSS_EMULATOR_CORS_ORIGINS', 'http://localhost:5173/', /scheme, host and port only/],
    [
      'OSS_EMULATOR_ALLOWED_HOSTS',
      'a.test,b test',
      /^OSS_EMULATOR_ALLOWED_HOSTS: "b test" is not a host name/,
    ],
    [
      'OSS_EMULATOR_CALLBACK_ALLOW',
      '127.0.0.1,localhost',
      /^OSS_EMULATOR_CALLBACK_ALLOW: "localhost" is not an IP/,
    ],
  ])('names %s when an entry is invalid', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('takes every documented variable', () => {
    const config = loadConfig({
      PORT: '8100',
      OSS_EMULATOR_PORT: '9100',
      DATA_DIR: '/tmp/x',
      OSS_BUCKET: 'my-bucket',
      OSS_REGION: 'oss-cn-shanghai',
      OSS_STS_ROLE_ARN: 'acs:ram::42:role/other',
      OSS_STS_ENDPOINT: 'http://127.0.0.1:9100/-/sts',
      OSS_PREFIX: 'team-a/incoming/',
      OSS_STS_DURATION_SECONDS: '2',
      TOKEN_ACCESS: 'bearer',
      TOKEN_BEARER_SECRET: BEARER_SECRET,
      TOKEN_RATE_LIMIT: '5',
    });
    expect(config.port).toBe(8100);
    expect(config.emulator).toMatchObject({ port: 9100, dataDir: '/tmp/x' });
    expect(config.oss).toMatchObject({ bucket: 'my-bucket', region: 'oss-cn-shanghai' });
    expect(config.token).toEqual({
      roleArn: 'acs:ram::42:role/other',
      stsEndpoint: 'http://127.0.0.1:9100/-/sts',
      prefix: 'team-a/incoming/',
      durationSeconds: 2,
      access: { kind: 'bearer', secret: BEARER_SECRET },
      rateLimitPerMinute: 5,
    });
  });

  it('points at real OSS when OSS_ENDPOINT is set, taking the region from a regional endpoint', () => {
    const config = loadConfig(REAL_OSS);
    expect(config.emulator).toBeUndefined();
    expect(config.oss).toEqual({
      bucket: 'acme-uploads',
      region: 'oss-cn-shanghai',
      endpoint: 'https://oss-cn-shanghai.aliyuncs.com',
      accessKeyId: 'LTAI5tRealKeyId',
      accessKeySecret: 'real-secret',
    });
    expect(config.token.access).toEqual({
      kind: 'proxy-header',
      header: 'x-authenticated-user',
      trustedProxies: ['127.0.0.1', '::1'],
    });
    expect(
      loadConfig({ ...REAL_OSS, OSS_ENDPOINT: 'https://oss-cn-beijing-internal.aliyuncs.com' }).oss.region,
    ).toBe('oss-cn-beijing');
  });

  it('names every variable real OSS is missing, in one message', () => {
    expect(() => loadConfig({ OSS_ENDPOINT: 'https://oss.example.com' })).toThrow(
      'ALIBABA_CLOUD_ACCESS_KEY_ID is required when OSS_ENDPOINT is set; ' +
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET is required when OSS_ENDPOINT is set; ' +
        'OSS_BUCKET is required when OSS_ENDPOINT is set; ' +
        'OSS_STS_ROLE_ARN is required when OSS_ENDPOINT is set; ' +
        'TOKEN_ACCESS (loopback, bearer, proxy-header or oidc: who may obtain upload tokens) is required when OSS_ENDPOINT is set; ' +
        'OSS_REGION (the endpoint does not name its region) is required when OSS_ENDPOINT is set',
    );
    const { OSS_STS_ROLE_ARN: _, ...withoutRole } = REAL_OSS;
    expect(() => loadConfig(withoutRole)).toThrow(/^OSS_STS_ROLE_ARN is required when OSS_ENDPOINT is set$/);
  });

  it('holds real OSS to the token durations real STS accepts, the emulator only to positive ones', () => {
    expect(() => loadConfig({ ...REAL_OSS, OSS_STS_DURATION_SECONDS: '60' })).toThrow(
      /^OSS_STS_DURATION_SECONDS must be .* between 900 and 43200, got "60"/,
    );
    expect(loadConfig({ ...REAL_OSS, OSS_STS_DURATION_SECONDS: '900' }).token.durationSeconds).toBe(900);
    expect(loadConfig({ OSS_STS_DURATION_SECONDS: '1' }).token.durationSeconds).toBe(1);
  });

  it('configures trusted proxies for the proxy-header strategy', () => {
    const config = loadConfig({ ...REAL_OSS, TOKEN_TRUSTED_PROXIES: '10.0.0.5, fd00::1' });
    expect(config.token.access).toMatchObject({ trustedProxies: ['10.0.0.5', 'fd00::1'] });
  });

  it('configures Skylift’s own sign-in (OpenID Connect), with defaults for the claims and scopes', () => {
    const config = loadConfig({ ...REAL_OSS, ...OIDC, TOKEN_ADMIN_GROUP: 'skylift-admins' });
    expect(config.publicUrl).toBe('https://skylift.example.com');
    expect(config.token.adminGroup).toBe('skylift-admins');
    expect(config.token.access).toEqual({
      kind: 'oidc',
      oidc: {
        issuer: 'https://login.example.com/realms/acme',
        clientId: 'skylift',
        clientSecret: 'client-secret',
        scopes: 'openid email profile',
        userClaim: 'email',
        groupsClaim: 'groups',
        allowedUsers: [],
        allowedGroups: ['uploaders'],
      },
      session: { secret: 's'.repeat(32), maxAgeSeconds: 28800 },
    });
    const tuned = loadConfig({
      ...OIDC,
      PUBLIC_URL: 'http://localhost:8080/',
      OIDC_ISSUER: 'http://127.0.0.1:9400',
      OIDC_SCOPES: 'openid  groups',
      OIDC_USER_CLAIM: 'preferred_username',
      OIDC_GROUPS_CLAIM: 'roles',
      OIDC_ALLOWED_USERS: 'alice@example.com, *',
      SESSION_MAX_AGE_SECONDS: '3600',
    });
    expect(tuned.publicUrl).toBe('http://localhost:8080');
    expect(tuned.token.access).toMatchObject({
      oidc: {
        scopes: 'openid groups',
        userClaim: 'preferred_username',
        groupsClaim: 'roles',
        allowedUsers: ['alice@example.com', '*'],
      },
      session: { maxAgeSeconds: 3600 },
    });
    // Against real OSS sessions last five minutes at least; the emulator lets tests watch them end.
    expect(() => loadConfig({ ...REAL_OSS, ...OIDC, SESSION_MAX_AGE_SECONDS: '60' })).toThrow(
      /^SESSION_MAX_AGE_SECONDS must be a number of seconds between 300 and 2592000, got "60"$/,
    );
    expect(loadConfig({ ...OIDC, SESSION_MAX_AGE_SECONDS: '5' }).token.access).toMatchObject({
      session: { maxAgeSeconds: 5 },
    });
    // The session secret is never repeated, nor is the client secret.
    expect(() => loadConfig({ ...OIDC, SESSION_SECRET: 'tiny-secret' })).toThrow(/it has 11\)$/);
  });

  it('reads the proxy’s groups header, for an administrators’ group', () => {
    const config = loadConfig({
      ...REAL_OSS,
      TOKEN_PROXY_GROUPS_HEADER: 'X-Forwarded-Groups',
      TOKEN_ADMIN_GROUP: 'ops',
      DRAIN_SECONDS: '10',
    });
    expect(config.token.access).toMatchObject({ groupsHeader: 'x-forwarded-groups' });
    expect(config.token.adminGroup).toBe('ops');
    expect(config.drainSeconds).toBe(10);
    expect(loadConfig({}).drainSeconds).toBe(0);
  });

  it('never echoes the bearer secret in its complaint', () => {
    expect(() => loadConfig({ TOKEN_ACCESS: 'bearer', TOKEN_BEARER_SECRET: 'short-secret' })).toThrow(
      'TOKEN_BEARER_SECRET must be at least 32 characters (it has 12)',
    );
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a TCP port/],
    [{ PORT: '70000' }, /^PORT must be a TCP port/],
    [{ OSS_EMULATOR_PORT: '0' }, /^OSS_EMULATOR_PORT must be a TCP port/],
    [{ OSS_BUCKET: 'My_Bucket' }, /^OSS_BUCKET must be/],
    [{ OSS_REGION: 'hangzhou' }, /^OSS_REGION must be an OSS region/],
    [{ OSS_ENDPOINT: 'not a url' }, /^OSS_ENDPOINT must be a URL/],
    [{ OSS_ENDPOINT: 'ftp://x' }, /^OSS_ENDPOINT must use http or https/],
    [{ OSS_STS_ROLE_ARN: 'skylift-uploader' }, /^OSS_STS_ROLE_ARN must look like acs:ram::/],
    [{ OSS_STS_ENDPOINT: 'sts' }, /^OSS_STS_ENDPOINT must be a URL/],
    [{ OSS_PREFIX: '' }, /^OSS_PREFIX must not be empty/],
    [{ OSS_PREFIX: '/uploads/' }, /^OSS_PREFIX must not start with "\/"/],
    [{ OSS_PREFIX: 'uploads' }, /^OSS_PREFIX must end with "\/"/],
    [{ OSS_PREFIX: 'up*/' }, /^OSS_PREFIX must not contain "\*"/],
    [{ OSS_PREFIX: 'up\nloads/' }, /^OSS_PREFIX must not contain control characters/],
    [{ OSS_STS_DURATION_SECONDS: '0' }, /^OSS_STS_DURATION_SECONDS must be/],
    [{ OSS_STS_DURATION_SECONDS: '43201' }, /^OSS_STS_DURATION_SECONDS must be/],
    [{ OSS_STS_DURATION_SECONDS: '1.5' }, /^OSS_STS_DURATION_SECONDS must be/],
    [
      { TOKEN_ACCESS: 'anyone' },
      /^TOKEN_ACCESS must be loopback, bearer, proxy-header or oidc, got "anyone"/,
    ],
    [
      { TOKEN_ACCESS: 'oidc' },
      /^OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET are required when TOKEN_ACCESS=oidc$/,
    ],
    [
      { ...OIDC, OIDC_ISSUER: 'http://login.example.com' },
      /^OIDC_ISSUER must use https \(http only for localhost\)/,
    ],
    [
      { ...OIDC, OIDC_ALLOWED_GROUPS: '' },
      /^TOKEN_ACCESS=oidc needs OIDC_ALLOWED_USERS or OIDC_ALLOWED_GROUPS/,
    ],
    [{ ...OIDC, OIDC_SCOPES: 'email profile' }, /^OIDC_SCOPES must include openid/],
    [{ ...OIDC, SESSION_SECRET: '' }, /^SESSION_SECRET is required when TOKEN_ACCESS=oidc/],
    [{ ...OIDC, SESSION_SECRET: 'short' }, /^SESSION_SECRET must be at least 32 characters \(it has 5\)$/],
    [{ ...OIDC, SESSION_MAX_AGE_SECONDS: '0' }, /^SESSION_MAX_AGE_SECONDS must be/],
    [{ ...OIDC, PUBLIC_URL: '' }, /^PUBLIC_URL is required when TOKEN_ACCESS=oidc/],
    [
      { ...OIDC, PUBLIC_URL: 'https://skylift.example.com/app/' },
      /^PUBLIC_URL must be an origin without a path, e.g. https:\/\/skylift.example.com/,
    ],
    [{ ...OIDC, PUBLIC_URL: 'http://skylift.example.com' }, /^PUBLIC_URL must use https/],
    [{ TOKEN_ADMIN_GROUP: 'admins' }, /^TOKEN_ADMIN_GROUP needs to know groups/],
    [
      { TOKEN_ACCESS: 'proxy-header', TOKEN_PROXY_HEADER: 'x-user', TOKEN_ADMIN_GROUP: 'admins' },
      /^TOKEN_ADMIN_GROUP needs to know groups: TOKEN_ACCESS=oidc, or proxy-header with TOKEN_PROXY_GROUPS_HEADER/,
    ],
    [{ DRAIN_SECONDS: '-1' }, /^DRAIN_SECONDS must be/],
    [{ TOKEN_ACCESS: 'bearer' }, /^TOKEN_BEARER_SECRET is required when TOKEN_ACCESS=bearer/],
    [{ TOKEN_ACCESS: 'proxy-header' }, /^TOKEN_PROXY_HEADER is required when TOKEN_ACCESS=proxy-header/],
    [
      { TOKEN_ACCESS: 'proxy-header', TOKEN_PROXY_HEADER: 'x user' },
      /^TOKEN_PROXY_HEADER must be an HTTP header/,
    ],
    [
      { TOKEN_ACCESS: 'proxy-header', TOKEN_PROXY_HEADER: 'x-user', TOKEN_TRUSTED_PROXIES: 'proxy.local' },
      /^TOKEN_TRUSTED_PROXIES must be a comma-separated list of IP addresses/,
    ],
    [{ TOKEN_RATE_LIMIT: '0' }, /^TOKEN_RATE_LIMIT must be/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
