// Test support: a real OpenID Connect provider (oidc-provider, the certified implementation) on a
// free loopback port, with a login form of its own and a few people, so the sign-in is exercised
// end to end: discovery, the authorization code flow with PKCE, the token endpoint, UserInfo and
// RP-initiated logout. Consent is granted as soon as it is asked (a company provider's usual setup).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';

export interface TestPerson {
  password: string;
  email: string;
  name: string;
  groups: string[];
  email_verified?: boolean;
}

/** Who can sign in at the test provider (all with the password `password`). */
export const TEST_PEOPLE: Record<string, TestPerson> = {
  alice: { password: 'password', email: 'alice@example.com', name: 'Alice Liddell', groups: ['uploaders'] },
  bob: { password: 'password', email: 'bob@example.com', name: 'Bob Builder', groups: ['uploaders'] },
  carol: {
    password: 'password',
    email: 'carol@example.com',
    name: 'Carol Admin',
    groups: ['skylift-admins'],
  },
  mallory: { password: 'password', email: 'mallory@example.com', name: 'Mallory', groups: ['contractors'] },
  eve: {
    password: 'password',
    email: 'eve@example.com',
    name: 'Eve',
    groups: ['uploaders'],
    email_verified: false,
  },
};

export const TEST_CLIENT = { id: 'skylift', secret: 'skylift-test-client-secret' } as const;

export interface TestIdentityProvider {
  /** The issuer URL (OIDC_ISSUER). */
  issuer: string;
  /** The environment that points Skylift at this provider, for an app at `publicUrl`. */
  env(publicUrl: string): Record<string, string>;
  close(): Promise<void>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const html = (text: string) => text.replace(/[&<>"]/g, (ch) => ESCAPES[ch]!);

function loginPage(uid: string, problem?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
<body><main><h1>Test provider</h1>${problem ? `<p role="alert">${html(problem)}</p>` : ''}
<form method="post" action="/interaction/${html(uid)}/login">
<label>Username <input name="login" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts the provider. `publicUrls` are the app origins (PUBLIC_URL) whose /api/auth/callback, and / after
 * sign-out, the client may be sent back to.
 */
export async function startTestIdentityProvider(
  publicUrls: readonly string[],
): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const client: ClientMetadata = {
    client_id: TEST_CLIENT.id,
    client_secret: TEST_CLIENT.secret,
    redirect_uris: publicUrls.map((url) => `${url}/api/auth/callback`),
    post_logout_redirect_uris: publicUrls.map((url) => `${url}/`),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const configuration: Configuration = {
    clients: [client],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Lifetimes said outright (oidc-provider reminds of every default it falls back on).
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    findAccount: async (_ctx, sub) => {
      const person = TEST_PEOPLE[sub];
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: person.email,
          email_verified: person.email_verified ?? true,
          name: person.name,
          groups: person.groups,
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  // Its own log lines about a provider running on http are expected here.
  provider.on('server_error', (_ctx, error) => console.error('[test provider]', error));
  const handle = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action?: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login' && action === 'login' && req.method === 'POST') {
      const form = await formBody(req);
      const login = form.get('login') ?? '';
      if (TEST_PEOPLE[login]?.password !== form.get('password')) {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(loginPage(uid, 'Wrong username or password.'));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (details.prompt.name === 'login') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid));
      return;
    }
    // Consent: everything asked for, at once.
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: TEST_CLIENT.id });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(\w+))?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) {
      handle(req, res);
      return;
    }
    interaction(req, res, match[1]!, match[2]).catch((error: unknown) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    });
  });

  return {
    issuer,
    env(publicUrl) {
      return {
        TOKEN_ACCESS: 'oidc',
        PUBLIC_URL: publicUrl,
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: TEST_CLIENT.id,
        OIDC_CLIENT_SECRET: TEST_CLIENT.secret,
        OIDC_SCOPES: 'openid email profile groups',
        OIDC_ALLOWED_GROUPS: 'uploaders',
        TOKEN_ADMIN_GROUP: 'skylift-admins',
        SESSION_SECRET: 'test-session-secret-0123456789-abcdefghij',
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
