import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { EMULATOR_DEFAULTS } from './emulator-defaults.ts';

describe('loadConfig', () => {
  it('defaults to the embedded emulator with its well-known credentials', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.emulator).toEqual({ host: '127.0.0.1', port: 9000, dataDir: './.data' });
    expect(config.oss).toMatchObject({
      bucket: 'skylift-dev',
      region: 'oss-cn-hangzhou',
      endpoint: undefined,
      accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    });
  });

  it('takes every documented variable', () => {
    const config = loadConfig({
      PORT: '8100',
      OSS_EMULATOR_PORT: '9100',
      DATA_DIR: '/tmp/x',
      OSS_BUCKET: 'my-bucket',
      OSS_REGION: 'oss-cn-shanghai',
    });
    expect(config.port).toBe(8100);
    expect(config.emulator).toMatchObject({ port: 9100, dataDir: '/tmp/x' });
    expect(config.oss).toMatchObject({ bucket: 'my-bucket', region: 'oss-cn-shanghai' });
  });

  it('points at real OSS when OSS_ENDPOINT is set, and then needs real keys', () => {
    expect(() => loadConfig({ OSS_ENDPOINT: 'https://oss-cn-hangzhou.aliyuncs.com' })).toThrow(
      /ALIBABA_CLOUD_ACCESS_KEY_ID is required/,
    );
    const config = loadConfig({
      OSS_ENDPOINT: 'https://oss-cn-hangzhou.aliyuncs.com/',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
    });
    expect(config.emulator).toBeUndefined();
    expect(config.oss.endpoint).toBe('https://oss-cn-hangzhou.aliyuncs.com');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a TCP port/],
    [{ PORT: '70000' }, /^PORT must be a TCP port/],
    [{ OSS_EMULATOR_PORT: '0' }, /^OSS_EMULATOR_PORT must be a TCP port/],
    [{ OSS_BUCKET: 'My_Bucket' }, /^OSS_BUCKET must be/],
    [{ OSS_REGION: 'hangzhou' }, /^OSS_REGION must be an OSS region/],
    [{ OSS_ENDPOINT: 'not a url' }, /^OSS_ENDPOINT must be a URL/],
    [{ OSS_ENDPOINT: 'ftp://x' }, /^OSS_ENDPOINT must use http or https/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
