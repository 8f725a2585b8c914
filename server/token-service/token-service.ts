// POST /api/credentials: checks who is asking, then trades the server's long-term key for STS
// credentials limited to the upload prefix. Every answer is JSON; failures are `{error, message}`
// with no stack, secret or long-term key id in them or in the log.
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { TemporaryCredentials, TokenServiceError } from '../../lib/credentials/temporary-credentials.ts';
import type { TokenServiceConfig } from '../config/config.ts';
import { createAccessStrategy } from './access-control.ts';
import { buildSessionPolicy } from './session-policy.ts';
import { type StsClient, StsFailure } from './sts-client.ts';

export interface TokenServiceOptions {
  token: TokenServiceConfig;
  /** What the browser is told to talk to; `endpoint` is the emulator's URL in emulator mode. */
  oss: { bucket: string; region: string; endpoint: string };
  sts: StsClient;
  /** Where refusals by STS and unexpected errors are reported; lines never contain secrets. */
  log?: (line: string) => void;
}

/** Mounted under /api by the app server, so the route is /api/credentials (CREDENTIALS_PATH). */
const ROUTE = '/credentials';
const RATE_WINDOW_MS = 60_000;
const ROLE_SESSION_NAME_MAX = 64;

/** STS accepts 2–64 of `[\w.@-]`; the client's name makes ActionTrail entries traceable to a user or address. */
function sessionName(client: string): string {
  return `skylift-${client}`.replace(/[^\w.@-]/g, '-').slice(0, ROLE_SESSION_NAME_MAX);
}

function sendError(reply: FastifyReply, status: number, body: TokenServiceError): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').send(body);
}

export function tokenService(options: TokenServiceOptions) {
  const { token, oss, sts } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  const access = createAccessStrategy(token.access);
  // Built once: the policy depends only on configuration.
  const policy = buildSessionPolicy(oss.bucket, token.prefix);

  return async function registerTokenService(app: FastifyInstance): Promise<void> {
    await app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => access.clientKey(request),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'TooManyRequests',
        message: `Too many credential requests from this client; retry in ${context.after}.`,
      }),
    });

    app.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status < 500) {
        const code = status === 429 ? 'TooManyRequests' : 'BadRequest';
        return sendError(reply, status, { error: code, message: error.message });
      }
      // Only the class of error: its message or stack might quote configuration.
      log(`[token-service] unexpected ${error.name ?? 'error'} while issuing credentials`);
      return sendError(reply, 500, {
        error: 'InternalError',
        message: 'The token service failed unexpectedly.',
      });
    });

    app.post(
      ROUTE,
      { config: { rateLimit: { max: token.rateLimitPerMinute, timeWindow: RATE_WINDOW_MS } } },
      async (request, reply) => {
        const decision = access.decide(request);
        if (!decision.allowed) {
          if (decision.headers) reply.headers(decision.headers);
          return sendError(reply, decision.status, { error: decision.error, message: decision.message });
        }
        try {
          const credentials = await sts.assumeRole({
            roleArn: token.roleArn,
            policy,
            durationSeconds: token.durationSeconds,
            sessionName: sessionName(decision.client),
          });
          const body: TemporaryCredentials = { ...credentials, ...oss, prefix: token.prefix };
          return reply.header('Cache-Control', 'no-store').send(body);
        } catch (error) {
          if (!(error instanceof StsFailure)) throw error;
          const requestId = error.requestId ? `, request id ${error.requestId}` : '';
          log(`[token-service] ${error.message}${requestId}`);
          return sendError(reply, 502, {
            error: 'StsError',
            message: `Could not obtain temporary credentials from STS (${error.code}${requestId}); see the server log.`,
          });
        }
      },
    );
  };
}
