// Skylift's own sign-in: OpenID Connect, authorization code flow with PKCE, through openid-client.
//
//   GET  /api/auth/login?returnTo=/#/dashboard → the provider's login page (state, nonce and the PKCE
//        verifier travel in a short-lived encrypted cookie, so any instance can finish the sign-in)
//   GET  /api/auth/callback → checks the answer, who the person is and whether they may use Skylift;
//        sets the session cookie; back to returnTo
//   POST /api/auth/logout   → clears the session; on to the provider's end-session page
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidcClient from 'openid-client';
import { SIGN_IN_CALLBACK_PATH, SIGN_IN_PATH, SIGN_OUT_PATH } from '../../lib/credentials/session-info.ts';
import { crossSiteProblem } from '../app/same-origin.ts';
import type { OidcConfig } from '../config/config.ts';
import { isLoopbackHost } from '../net/addresses.ts';
import { SESSION_COOKIE, type SessionSealer, SIGN_IN_COOKIE, SIGN_IN_SECONDS } from './session-cookie.ts';
import { signInPage } from './sign-in-page.ts';
import { decideSignIn } from './user-claims.ts';

/** How long an ended session's cookie stays, to say "expired" (it opens to nothing once expired). */
const EXPIRED_NOTICE_SECONDS = 7 * 86400;
/** How long the provider may take to answer one request of ours. */
const PROVIDER_TIMEOUT_SECONDS = 10;

export interface OidcSignInOptions {
  oidc: OidcConfig;
  sessions: SessionSealer;
  /** PUBLIC_URL: the redirect URL registered at the provider is `${publicUrl}/api/auth/callback`. */
  publicUrl: string;
  adminGroup?: string;
  log: (line: string) => void;
}

/** A path on this origin, never `//host` or `/\host`, which browsers read as another host. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /^\/[/\\]/.test(value)) return '/';
  return value;
}

export function oidcSignIn(options: OidcSignInOptions) {
  const { oidc, sessions, publicUrl, log } = options;
  const redirectUri = `${publicUrl}${SIGN_IN_CALLBACK_PATH}`;
  const issuer = new URL(oidc.issuer);

  // Discovered on first use and kept; a failure is forgotten so the next sign-in tries again (the
  // provider may have been down when this instance started).
  let discovered: Promise<oidcClient.Configuration> | undefined;
  function provider(): Promise<oidcClient.Configuration> {
    discovered ??= oidcClient
      .discovery(issuer, oidc.clientId, undefined, oidcClient.ClientSecretBasic(oidc.clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // Plain http only for a provider on this machine (config.ts allows no other).
        ...(issuer.protocol === 'http:' && isLoopbackHost(issuer.host)
          ? { execute: [oidcClient.allowInsecureRequests] }
          : {}),
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  }

  // The attributes every cookie here is set and cleared with: a `__Host-` cookie sent without Secure
  // and Path=/ is ignored by the browser, removal included.
  const cookie = (sameSite: 'lax' | 'strict', maxAge?: number) =>
    ({
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite,
      ...(maxAge === undefined ? {} : { maxAge }),
    }) as const;

  function failure(reply: FastifyReply, status: number, message: string): FastifyReply {
    return reply
      .code(status)
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(signInPage('Sign-in failed', message, { href: SIGN_IN_PATH, label: 'Try again' }));
  }

  return async function registerSignIn(app: FastifyInstance): Promise<void> {
    // "Sign out" is a plain form: its (empty) url-encoded body is accepted and not read.
    app.addContentTypeParser('application/x-www-form-urlencoded', (_request, _payload, done) =>
      done(null, {}),
    );
    provider().catch((error: unknown) =>
      log(`[sign-in] the OpenID provider ${oidc.issuer} could not be discovered yet: ${errorText(error)}`),
    );

    app.get<{ Querystring: { returnTo?: string } }>(SIGN_IN_PATH, async (request, reply) => {
      let configuration: oidcClient.Configuration;
      try {
        configuration = await provider();
      } catch (error) {
        log(`[sign-in] discovery of ${oidc.issuer} failed: ${errorText(error)}`);
        return failure(
          reply,
          502,
          `The sign-in provider (${oidc.issuer}) cannot be reached. Try again in a moment.`,
        );
      }
      const codeVerifier = oidcClient.randomPKCECodeVerifier();
      const transaction = {
        state: oidcClient.randomState(),
        nonce: oidcClient.randomNonce(),
        codeVerifier,
        returnTo: safeReturnTo(request.query.returnTo),
      };
      const url = oidcClient.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: oidc.scopes,
        code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: transaction.state,
        nonce: transaction.nonce,
      });
      // Lax: the provider sends the person back with a top-level GET from its own site.
      reply.setCookie(SIGN_IN_COOKIE, await sessions.sealSignIn(transaction), cookie('lax', SIGN_IN_SECONDS));
      return reply.header('Cache-Control', 'no-store').redirect(url.href, 302);
    });

    app.get(SIGN_IN_CALLBACK_PATH, async (request, reply) => {
      const transaction = await sessions.openSignIn(request.cookies[SIGN_IN_COOKIE]);
      reply.clearCookie(SIGN_IN_COOKIE, cookie('lax'));
      if (!transaction) {
        return failure(reply, 400, 'This sign-in was not started here, or took longer than 10 minutes.');
      }
      const answered = new URL(request.url, publicUrl);
      const refusal = answered.searchParams.get('error');
      if (refusal) {
        const detail = answered.searchParams.get('error_description');
        return failure(reply, 403, `The sign-in provider refused: ${detail ?? refusal}.`);
      }
      let claims: Record<string, unknown>;
      try {
        const configuration = await provider();
        const tokens = await oidcClient.authorizationCodeGrant(configuration, answered, {
          pkceCodeVerifier: transaction.codeVerifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims()!;
        // Providers put profile claims (e-mail, groups) in the ID token or only in UserInfo.
        const userInfo = configuration.serverMetadata().userinfo_endpoint
          ? await oidcClient.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)
          : {};
        claims = { ...userInfo, ...idClaims };
      } catch (error) {
        log(`[sign-in] completing a sign-in at ${oidc.issuer} failed: ${errorText(error)}`);
        return failure(reply, 502, 'The sign-in could not be completed with the provider. Try again.');
      }
      const decision = decideSignIn(claims, oidc, options.adminGroup);
      if (!decision.allowed) return failure(reply, 403, decision.reason);
      const session = await sessions.seal(decision.user);
      // Strict: no other site can make the browser send it. The first page load after the redirect
      // goes without it, which is fine: the page is public and asks /api/session itself.
      // The browser keeps the cookie a while after the session inside ends, so that a request then is
      // told "your sign-in expired" rather than "sign in": the sealed expiry is what counts.
      reply.setCookie(
        SESSION_COOKIE,
        session.value,
        cookie('strict', sessions.maxAgeSeconds + EXPIRED_NOTICE_SECONDS),
      );
      return reply.header('Cache-Control', 'no-store').redirect(transaction.returnTo, 303);
    });

    app.post(SIGN_OUT_PATH, async (request: FastifyRequest, reply) => {
      const crossSite = crossSiteProblem(request, publicUrl);
      if (crossSite) return failure(reply, 403, crossSite);
      reply.clearCookie(SESSION_COOKIE, cookie('strict')).header('Cache-Control', 'no-store');
      // Also end the provider's own session when it offers that (OpenID Connect RP-Initiated Logout),
      // or the next "Sign in" would sign the same person in without asking.
      const configuration = await provider().catch(() => undefined);
      if (!configuration?.serverMetadata().end_session_endpoint) return reply.redirect('/', 303);
      const endSession = oidcClient.buildEndSessionUrl(configuration, {
        client_id: oidc.clientId,
        post_logout_redirect_uri: `${publicUrl}/`,
      });
      return reply.redirect(endSession.href, 303);
    });
  };
}

/** An error for the log: its class and message (openid-client's messages name no secret). */
function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
