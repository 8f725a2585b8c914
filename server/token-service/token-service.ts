// POST /api/credentials: checks who is asking, then trades the server's long-term key for STS
// credentials limited to the upload prefix. Every answer is JSON; failures are `{error, message}`
// with no stack, secret or long-term key id in them or in the log.
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ObjectStatusRequest } from '../../lib/credentials/object-status.ts';
import type { TemporaryCredentials, TokenServiceError } from '../../lib/credentials/temporary-credentials.ts';
import { objectNameProblem } from '../../lib/oss/object-name.ts';
import type { TokenServiceConfig } from '../config/config.ts';
import { createAccessStrategy } from './access-control.ts';
import { createObjectLookup, ObjectStatusFailure } from './object-lookup.ts';
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

/** Mounted under /api by the app server: /api/credentials (CREDENTIALS_PATH), /api/object-status. */
const CREDENTIALS_ROUTE = '/credentials';
const OBJECT_STATUS_ROUTE = '/object-status';
const OBJECT_STATUS_BODY = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string', minLength: 1 } },
} as const;
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
  const lookUpObject = createObjectLookup({ sts, roleArn: token.roleArn, oss });

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

    const rateLimitPerClient = {
      config: { rateLimit: { max: token.rateLimitPerMinute, timeWindow: RATE_WINDOW_MS } },
    };

    /** Who is asking, or undefined after the refusal has been sent. */
    function admit(request: FastifyRequest, reply: FastifyReply): string | undefined {
      const decision = access.decide(request);
      if (decision.allowed) return decision.client;
      if (decision.headers) reply.headers(decision.headers);
      sendError(reply, decision.status, { error: decision.error, message: decision.message });
      return undefined;
    }

    function stsError(reply: FastifyReply, error: StsFailure): FastifyReply {
      const requestId = error.requestId ? `, request id ${error.requestId}` : '';
      log(`[token-service] ${error.message}${requestId}`);
      return sendError(reply, 502, {
        error: 'StsError',
        message: `Could not obtain temporary credentials from STS (${error.code}${requestId}); see the server log.`,
      });
    }

    app.post(CREDENTIALS_ROUTE, rateLimitPerClient, async (request, reply) => {
      const client = admit(request, reply);
      if (client === undefined) return reply;
      try {
        const credentials = await sts.assumeRole({
          roleArn: token.roleArn,
          policy,
          durationSeconds: token.durationSeconds,
          sessionName: sessionName(client),
        });
        const body: TemporaryCredentials = { ...credentials, ...oss, prefix: token.prefix };
        return reply.header('Cache-Control', 'no-store').send(body);
      } catch (error) {
        if (!(error instanceof StsFailure)) throw error;
        return stsError(reply, error);
      }
    });

    app.post<{ Body: ObjectStatusRequest }>(
      OBJECT_STATUS_ROUTE,
      { ...rateLimitPerClient, schema: { body: OBJECT_STATUS_BODY } },
      async (request, reply) => {
        const client = admit(request, reply);
        if (client === undefined) return reply;
        const { key } = request.body;
        const problem = objectNameProblem(key) ?? (key.startsWith(token.prefix) ? undefined : outside(key));
        if (problem) return sendError(reply, 400, { error: 'InvalidObjectName', message: problem });
        try {
          const status = await lookUpObject(key, sessionName(client));
          return reply.header('Cache-Control', 'no-store').send(status);
        } catch (error) {
          if (error instanceof StsFailure) return stsError(reply, error);
          if (!(error instanceof ObjectStatusFailure)) throw error;
          log(`[token-service] ${error.message}`);
          return sendError(reply, 502, { error: error.code, message: error.message });
        }
      },
    );

    const outside = (key: string) =>
      `The key "${key}" is outside the prefix "${token.prefix}" that upload tokens may write.`;
  };
}
