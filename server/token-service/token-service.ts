// POST /api/credentials: checks who is asking, then trades the server's long-term key for STS
// credentials limited to that person's key prefix. GET /api/session says who that is. Every answer is
// JSON; failures are `{error, message}` with no stack, secret or long-term key id in them or in the log.
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ObjectStatusRequest } from '../../lib/credentials/object-status.ts';
import type { SessionInfo } from '../../lib/credentials/session-info.ts';
import type { TemporaryCredentials, TokenServiceError } from '../../lib/credentials/temporary-credentials.ts';
import { objectNameProblem } from '../../lib/oss/object-name.ts';
import { crossSiteProblem } from '../app/same-origin.ts';
import { ConfigError, type TokenServiceConfig } from '../config/config.ts';
import type { SessionSealer } from '../sign-in/session-cookie.ts';
import { type AccessDecision, createAccessStrategy } from './access-control.ts';
import { createObjectLookup, ObjectStatusFailure } from './object-lookup.ts';
import { buildSessionPolicy, type TokenScope } from './session-policy.ts';
import { type StsClient, StsFailure } from './sts-client.ts';
import { MAX_USER_SEGMENT_LENGTH, UserNameUnusable, userPrefix } from './user-prefix.ts';

export interface TokenServiceOptions {
  token: TokenServiceConfig;
  /** What the browser is told to talk to; `endpoint` is the emulator's URL in emulator mode. */
  oss: { bucket: string; region: string; endpoint: string };
  sts: StsClient;
  /** Opens sign-in session cookies (TOKEN_ACCESS=oidc). */
  sessions?: SessionSealer;
  /** PUBLIC_URL: the origin whose pages may ask for credentials. */
  publicUrl?: string;
  /** Where refusals by STS and unexpected errors are reported; lines never contain secrets. */
  log?: (line: string) => void;
}

type Admitted = Extract<AccessDecision, { allowed: true }>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the token service admitted this request for (set before the rate limit counts it). */
    tokenClient?: Admitted;
  }
}

/** Mounted under /api by the app server: /api/credentials (CREDENTIALS_PATH), /api/object-status, /api/session. */
const CREDENTIALS_ROUTE = '/credentials';
const OBJECT_STATUS_ROUTE = '/object-status';
const SESSION_ROUTE = '/session';
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

/**
 * Refuses at start-up a bucket and prefix whose session policy STS would refuse for the longest user
 * name (an administrator's policy is the longer one), rather than failing each request later.
 */
function checkPolicyFits(bucket: string, basePrefix: string): void {
  const longest = userPrefix(basePrefix, 'x'.repeat(MAX_USER_SEGMENT_LENGTH));
  try {
    buildSessionPolicy(bucket, { writePrefix: longest, listPrefix: basePrefix });
  } catch (error) {
    throw new ConfigError(`OSS_PREFIX is too long for per-user tokens: ${(error as Error).message}`);
  }
}

function sendError(reply: FastifyReply, status: number, body: TokenServiceError): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').send(body);
}

export function tokenService(options: TokenServiceOptions) {
  const { token, oss, sts } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  const access = createAccessStrategy(token.access, {
    sessions: options.sessions,
    adminGroup: token.adminGroup,
  });
  const lookUpObject = createObjectLookup({ sts, roleArn: token.roleArn, oss });
  const perUser = token.access.kind === 'oidc' || token.access.kind === 'proxy-header';
  if (perUser) checkPolicyFits(oss.bucket, token.prefix);

  /** A person writes under their own prefix; an administrator also sees everyone's uploads. */
  function scopeOf(client: Admitted): TokenScope {
    if (!client.user) return { writePrefix: token.prefix, listPrefix: token.prefix };
    const own = userPrefix(token.prefix, client.user.id);
    return { writePrefix: own, listPrefix: client.user.admin ? token.prefix : own };
  }

  return async function registerTokenService(app: FastifyInstance): Promise<void> {
    await app.register(rateLimit, {
      global: false,
      // Counted after admission (admit below runs at onRequest): requests refused as cross-site or
      // unauthenticated never use up anyone's allowance, so a hostile page cannot exhaust it.
      hook: 'preHandler',
      keyGenerator: (request) => {
        const client = request.tokenClient;
        return client?.user ? `user:${client.user.id}` : `peer:${client?.client ?? request.ip}`;
      },
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

    /** Refuses cross-site requests and unknown clients before anything is counted or spent. */
    async function admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const crossSite = crossSiteProblem(request, options.publicUrl);
      if (crossSite) {
        sendError(reply, 403, { error: 'CrossSiteRequest', message: crossSite });
        return reply;
      }
      const decision = await access.decide(request);
      if (decision.allowed) {
        request.tokenClient = decision;
        return;
      }
      if (decision.headers) reply.headers(decision.headers);
      sendError(reply, decision.status, { error: decision.error, message: decision.message });
      return reply;
    }

    const admitted = {
      onRequest: admit,
      config: { rateLimit: { max: token.rateLimitPerMinute, timeWindow: RATE_WINDOW_MS } },
    };

    function stsError(reply: FastifyReply, error: StsFailure): FastifyReply {
      const requestId = error.requestId ? `, request id ${error.requestId}` : '';
      log(`[token-service] ${error.message}${requestId}`);
      return sendError(reply, 502, {
        error: 'StsError',
        message: `Could not obtain temporary credentials from STS (${error.code}${requestId}); see the server log.`,
      });
    }

    /** The admitted client's scope, or undefined after a refusal naming why their name cannot be a prefix. */
    function scopeOrRefuse(request: FastifyRequest, reply: FastifyReply): TokenScope | undefined {
      try {
        return scopeOf(request.tokenClient!);
      } catch (error) {
        if (!(error instanceof UserNameUnusable)) throw error;
        sendError(reply, 403, { error: 'UserNameUnusable', message: error.message });
        return undefined;
      }
    }

    app.post(CREDENTIALS_ROUTE, admitted, async (request, reply) => {
      const client = request.tokenClient!;
      const scope = scopeOrRefuse(request, reply);
      if (!scope) return reply;
      try {
        const credentials = await sts.assumeRole({
          roleArn: token.roleArn,
          policy: buildSessionPolicy(oss.bucket, scope),
          durationSeconds: token.durationSeconds,
          sessionName: sessionName(client.client),
        });
        const body: TemporaryCredentials = {
          ...credentials,
          ...oss,
          prefix: scope.writePrefix,
          listPrefix: scope.listPrefix,
        };
        return reply.header('Cache-Control', 'no-store').send(body);
      } catch (error) {
        if (!(error instanceof StsFailure)) throw error;
        return stsError(reply, error);
      }
    });

    app.post<{ Body: ObjectStatusRequest }>(
      OBJECT_STATUS_ROUTE,
      { ...admitted, schema: { body: OBJECT_STATUS_BODY } },
      async (request, reply) => {
        const scope = scopeOrRefuse(request, reply);
        if (!scope) return reply;
        const { key } = request.body;
        // Only the person's own keys: the lookup's token may read, which upload tokens never may.
        const problem =
          objectNameProblem(key) ?? (key.startsWith(scope.writePrefix) ? undefined : outside(key, scope));
        if (problem) return sendError(reply, 400, { error: 'InvalidObjectName', message: problem });
        try {
          const status = await lookUpObject(key, sessionName(request.tokenClient!.client));
          return reply.header('Cache-Control', 'no-store').send(status);
        } catch (error) {
          if (error instanceof StsFailure) return stsError(reply, error);
          if (!(error instanceof ObjectStatusFailure)) throw error;
          log(`[token-service] ${error.message}`);
          return sendError(reply, 502, { error: error.code, message: error.message });
        }
      },
    );

    // Reading who one is spends nothing, so no cross-site check or rate limit: a page on another
    // origin cannot read the answer (no CORS), and a refusal says how to sign in.
    app.get(SESSION_ROUTE, async (request, reply) => {
      const decision = await access.decide(request);
      reply.header('Cache-Control', 'no-store');
      if (!decision.allowed) {
        return sendError(reply, decision.status, { error: decision.error, message: decision.message });
      }
      const body: SessionInfo = {
        access: token.access.kind,
        ...(decision.user
          ? {
              user: {
                id: decision.user.id,
                admin: decision.user.admin,
                ...(decision.user.name ? { name: decision.user.name } : {}),
              },
            }
          : {}),
        ...(decision.expiresAt ? { expiresAt: new Date(decision.expiresAt).toISOString() } : {}),
      };
      return reply.send(body);
    });

    const outside = (key: string, scope: TokenScope) =>
      `The key "${key}" is outside the prefix "${scope.writePrefix}" that your upload tokens may write.`;
  };
}
