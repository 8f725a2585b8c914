// Skylift's app server as configured: the page, the token service, and Skylift's own sign-in when
// TOKEN_ACCESS=oidc. The one wiring used by `npm start`, the production start and the tests.
import type { SkyliftConfig } from '../config/config.ts';
import { oidcSignIn } from '../sign-in/oidc-sign-in.ts';
import { createSessionSealer } from '../sign-in/session-cookie.ts';
import { tokenServiceOptions } from '../token-service/from-config.ts';
import { tokenService } from '../token-service/token-service.ts';
import { type AppServer, createAppServer } from './app-server.ts';

export interface SkyliftServerOptions {
  config: SkyliftConfig;
  distDir: string;
  /** The running emulator's URL in emulator mode; undefined against real OSS. */
  emulatorUrl?: string;
  /** Where the token service and the sign-in report trouble; lines never contain secrets. */
  log?: (line: string) => void;
}

export async function createSkyliftServer(options: SkyliftServerOptions): Promise<AppServer> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  const service = tokenServiceOptions(config, options.emulatorUrl, log);
  const { access } = config.token;
  const sessions = access.kind === 'oidc' ? createSessionSealer(access.session) : undefined;
  const signIn =
    access.kind === 'oidc' && sessions && config.publicUrl
      ? oidcSignIn({
          oidc: access.oidc,
          sessions,
          publicUrl: config.publicUrl,
          adminGroup: config.token.adminGroup,
          log,
        })
      : undefined;
  const credentials = tokenService({ ...service, sessions, publicUrl: config.publicUrl });
  return createAppServer({
    distDir: options.distDir,
    security: {
      oss: service.oss,
      publicUrl: config.publicUrl,
      ...(access.kind === 'oidc' ? { signInProvider: access.oidc.issuer } : {}),
    },
    routes: signIn,
    api: async (scope) => {
      await scope.register(credentials);
    },
  });
}
