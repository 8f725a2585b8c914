// Skylift's configuration, read once from the environment. Every variable, its default and its
// meaning is listed in README.md ("Configuration"); invalid values stop start-up with one line
// that names the variable.
import { EMULATOR_DEFAULTS } from './emulator-defaults.ts';

export class ConfigError extends Error {}

export interface EmulatorConfig {
  host: string;
  port: number;
  dataDir: string;
}

export interface SkyliftConfig {
  host: string;
  port: number;
  /** Set when the app runs against the embedded emulator (OSS_ENDPOINT unset). */
  emulator?: EmulatorConfig;
  oss: {
    bucket: string;
    region: string;
    /** Real OSS endpoint; undefined in emulator mode, where the emulator's URL is used. */
    endpoint?: string;
    accessKeyId: string;
    accessKeySecret: string;
  };
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ConfigError(`${name} must be a TCP port between 1 and 65535, got "${raw}"`);
  }
  return n;
}

function matching(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const value = env[name] || fallback;
  if (!pattern.test(value)) throw new ConfigError(`${name} must be ${what}, got "${value}"`);
  return value;
}

// OSS bucket naming rules: 3–63 characters, lowercase letters, digits and hyphens, starting and
// ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const REGION = /^oss-[a-z0-9-]+$/;

function endpoint(env: Env): string | undefined {
  const raw = env.OSS_ENDPOINT;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`OSS_ENDPOINT must be a URL such as https://oss-cn-hangzhou.aliyuncs.com, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`OSS_ENDPOINT must use http or https, got "${raw}"`);
  }
  return url.origin;
}

export function loadConfig(env: Env = process.env): SkyliftConfig {
  const ossEndpoint = endpoint(env);
  const emulatorMode = ossEndpoint === undefined;
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID || (emulatorMode ? EMULATOR_DEFAULTS.accessKeyId : '');
  const accessKeySecret =
    env.ALIBABA_CLOUD_ACCESS_KEY_SECRET || (emulatorMode ? EMULATOR_DEFAULTS.accessKeySecret : '');
  if (!accessKeyId) throw new ConfigError('ALIBABA_CLOUD_ACCESS_KEY_ID is required when OSS_ENDPOINT is set');
  if (!accessKeySecret) {
    throw new ConfigError('ALIBABA_CLOUD_ACCESS_KEY_SECRET is required when OSS_ENDPOINT is set');
  }
  const host = env.HOST || 'localhost';
  return {
    host,
    port: port(env, 'PORT', 8080),
    emulator: emulatorMode
      ? {
          host: EMULATOR_DEFAULTS.host,
          port: port(env, 'OSS_EMULATOR_PORT', EMULATOR_DEFAULTS.port),
          dataDir: env.DATA_DIR || EMULATOR_DEFAULTS.dataDir,
        }
      : undefined,
    oss: {
      bucket: matching(
        env,
        'OSS_BUCKET',
        EMULATOR_DEFAULTS.bucket,
        BUCKET_NAME,
        '3–63 lowercase letters, digits or hyphens',
      ),
      region: matching(env, 'OSS_REGION', EMULATOR_DEFAULTS.region, REGION, 'an OSS region such as oss-cn-hangzhou'),
      endpoint: ossEndpoint,
      accessKeyId,
      accessKeySecret,
    },
  };
}
