// Contract between the emulator's routing layer and its authentication layer.
// The routing layer resolves bucket and key, then calls authenticate() before any handler runs,
// and each handler calls authorize() with its RAM action before touching data.
import { ossError } from '../errors.ts';
import type { AuthRequest, OssAction, Principal, RequestConditions } from './auth-types.ts';
import { MAX_SKEW_MS } from './clock.ts';
import { type SignedPostForm, verifyPostFormSignature } from './post-form-signature.ts';
import { authorize } from './session-policy.ts';
import { parseSignedRequest, type SignedRequest } from './signed-request.ts';
import { STS_ACCESS_KEY_PREFIX, verifySecurityToken } from './sts-token.ts';
import { verifySignature } from './verify-signature.ts';

export type { SignedPostForm } from './post-form-signature.ts';

export interface AuthenticatorOptions {
  rootAccessKeyId: string;
  rootAccessKeySecret: string;
  /** Seals STS tokens; defaults to the root secret. Must equal the STS handler's tokenSecret. */
  tokenSecret?: string;
  now?: () => number;
}

export interface Authenticator {
  /** Resolves the caller of a signed request, or throws the OssError OSS would answer with. */
  authenticate(req: AuthRequest): Promise<Principal>;
  /**
   * Throws AccessDenied unless the principal's session policy allows the action on bucket/key;
   * `conditions` are the request's condition keys (session-policy.ts requestConditions).
   */
  authorize(
    principal: Principal,
    action: OssAction,
    bucket: string,
    key: string,
    conditions?: RequestConditions,
  ): void;
  /**
   * Resolves the caller of a PostObject form: its credential fields and the signature over its base64
   * policy (OSS does not look at the request's own Authorization in a PostObject).
   */
  authenticateForm(form: SignedPostForm): Promise<Principal>;
}

/**
 * Checks run in the order OSS is believed to use (OSS API reference: "Error codes"): parse → access key → security token
 * → request time → signature, so each test of a failure sees the error a real client would.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const now = options.now ?? Date.now;
  const tokenSecret = options.tokenSecret ?? options.rootAccessKeySecret;

  function resolveCaller(accessKeyId: string, token: string | undefined) {
    const isRoot = accessKeyId === options.rootAccessKeyId;
    const isSts = accessKeyId.startsWith(STS_ACCESS_KEY_PREFIX);
    if (!isRoot && !isSts) throw ossError.invalidAccessKeyId(accessKeyId);
    if (token === undefined) {
      if (isSts) throw ossError.invalidAccessKeyId(accessKeyId, true);
      const principal: Principal = { accessKeyId, kind: 'root' };
      return { principal, accessKeySecret: options.rootAccessKeySecret };
    }
    // A root key with a token fails here too: no token was ever issued to the root key id.
    return verifySecurityToken(tokenSecret, accessKeyId, token, now());
  }

  /**
   * Header signatures: the request time within ±15 minutes. Presigned URLs (OSS documentation: signed URLs, V1 and V4): V1 until Expires;
   * V4 from 15 minutes before x-oss-date until x-oss-date + x-oss-expires, so a URL dated in the
   * future cannot outlive the 7-day limit on x-oss-expires.
   */
  function checkTime(signed: SignedRequest): void {
    const serverTime = now();
    switch (signed.scheme) {
      case 'v4-header':
      case 'v1-header':
        if (Math.abs(serverTime - signed.requestTime) > MAX_SKEW_MS) {
          throw ossError.requestTimeTooSkewed(new Date(signed.requestTime), new Date(serverTime));
        }
        return;
      case 'v4-query':
        if (signed.requestTime - serverTime > MAX_SKEW_MS) {
          throw ossError.requestNotYetValid(new Date(signed.requestTime), new Date(serverTime));
        }
        if (signed.expiresAt !== undefined && serverTime > signed.expiresAt) {
          throw ossError.requestExpired(new Date(signed.expiresAt), new Date(serverTime), '0002-00000236');
        }
        return;
      case 'v1-query':
        if (serverTime > signed.expiresAt) {
          throw ossError.requestExpired(new Date(signed.expiresAt), new Date(serverTime), '0002-00000069');
        }
    }
  }

  return {
    async authenticate(req) {
      const signed = parseSignedRequest(req);
      const { principal, accessKeySecret } = resolveCaller(signed.accessKeyId, signed.securityToken);
      checkTime(signed);
      await verifySignature(req, signed, accessKeySecret);
      return principal;
    },
    authorize,
    async authenticateForm(form) {
      const { principal, accessKeySecret } = resolveCaller(form.accessKeyId, form.securityToken);
      await verifyPostFormSignature(form, accessKeySecret, now());
      return principal;
    },
  };
}
