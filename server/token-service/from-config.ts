// Wires the token service from the configuration: the one place that decides which STS and which
// OSS endpoint a mode uses, so emulator and real OSS differ only in these two URLs.
import type { SkyliftConfig } from '../config/config.ts';
import { ALIBABA_STS_ENDPOINT, createStsClient } from './sts-client.ts';
import type { TokenServiceOptions } from './token-service.ts';

/** The emulator's AssumeRole endpoint, relative to its URL (server/emulator/routing/internal-routes.ts). */
export const EMULATOR_STS_PATH = '/-/sts';

/**
 * `emulatorUrl` is the running emulator's URL in emulator mode (its port may have been picked at
 * start); undefined against real OSS.
 */
export function tokenServiceOptions(
  config: SkyliftConfig,
  emulatorUrl: string | undefined,
  log?: (line: string) => void,
): TokenServiceOptions {
  const ossEndpoint = emulatorUrl ?? config.oss.endpoint;
  if (!ossEndpoint) throw new Error('The token service needs the emulator URL or OSS_ENDPOINT');
  const stsEndpoint =
    config.token.stsEndpoint ?? (emulatorUrl ? `${emulatorUrl}${EMULATOR_STS_PATH}` : ALIBABA_STS_ENDPOINT);
  return {
    token: config.token,
    oss: { bucket: config.oss.bucket, region: config.oss.region, endpoint: ossEndpoint },
    sts: createStsClient({
      accessKeyId: config.oss.accessKeyId,
      accessKeySecret: config.oss.accessKeySecret,
      endpoint: stsEndpoint,
    }),
    ...(log ? { log } : {}),
  };
}
