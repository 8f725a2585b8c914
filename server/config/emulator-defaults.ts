/**
 * Well-known defaults of the embedded OSS emulator, like Azurite's devstoreaccount1:
 * public on purpose, so every clone works with no account. Never valid on real OSS.
 */
export const EMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 9000,
  dataDir: './.data',
  bucket: 'skylift-dev',
  region: 'oss-cn-hangzhou',
  accessKeyId: 'LTAIskyliftEmulatorRoot',
  accessKeySecret: 'skylift-emulator-root-secret',
  /**
   * Origins the buckets it creates allow (CORS): the app at its default PORT. `npm start` passes the
   * app's actual origins instead.
   */
  corsOrigins: ['http://localhost:8080', 'http://127.0.0.1:8080'],
  /** The role the token service assumes; the emulator accepts any ARN of this shape. */
  roleArn: 'acs:ram::1000000000000000:role/skylift-uploader',
} as const;
