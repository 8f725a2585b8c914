// Who a signed-in person is, from what the OpenID provider says about them (ID token claims merged
// with UserInfo): their user name (OIDC_USER_CLAIM), whether they may use Skylift at all
// (OIDC_ALLOWED_USERS / OIDC_ALLOWED_GROUPS) and whether they administer it (TOKEN_ADMIN_GROUP).
import type { OidcConfig } from '../config/config.ts';
import { UserNameUnusable, userKeySegment } from '../token-service/user-prefix.ts';
import type { SessionUser } from './session-cookie.ts';

export type SignInDecision = { allowed: true; user: SessionUser } | { allowed: false; reason: string };

/** A groups claim is an array of names; some providers send one space- or comma-separated string. */
export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g !== '');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function decideSignIn(
  claims: Record<string, unknown>,
  oidc: OidcConfig,
  adminGroup: string | undefined,
): SignInDecision {
  const id = claims[oidc.userClaim];
  if (typeof id !== 'string' || id.trim() === '') {
    return {
      allowed: false,
      reason: `The sign-in provider did not say who you are (no "${oidc.userClaim}" claim; OIDC_USER_CLAIM, OIDC_SCOPES).`,
    };
  }
  // An address the provider has not verified could be anyone's, and so could their uploads be.
  if (oidc.userClaim === 'email' && claims.email_verified === false) {
    return { allowed: false, reason: `The sign-in provider has not verified the e-mail address ${id}.` };
  }
  const groups = groupsOf(claims[oidc.groupsClaim]);
  const admin = adminGroup !== undefined && groups.includes(adminGroup);
  const allowed =
    admin ||
    oidc.allowedUsers.some((user) => user === '*' || sameUser(user, id)) ||
    groups.some((group) => oidc.allowedGroups.includes(group));
  if (!allowed) {
    return {
      allowed: false,
      reason: `${id} may not use Skylift: ask an administrator to add you to OIDC_ALLOWED_USERS, or to a group in OIDC_ALLOWED_GROUPS.`,
    };
  }
  try {
    userKeySegment(id);
  } catch (error) {
    if (!(error instanceof UserNameUnusable)) throw error;
    return { allowed: false, reason: `${error.message} Choose a shorter OIDC_USER_CLAIM.` };
  }
  const name = [claims.name, claims.preferred_username].find((v) => typeof v === 'string' && v !== '');
  return { allowed: true, user: { id, admin, ...(name ? { name: name as string } : {}) } };
}
