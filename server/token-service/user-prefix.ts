// Each signed-in user writes under a key prefix of their own, `<OSS_PREFIX><user>/`, which the
// session policy of their tokens enforces. The user's name becomes one key segment by an encoding
// that keeps distinct names distinct (two users never share a prefix) and can never name a prefix
// inside another user's: no `/`, no policy wildcards (`*`, `?`), no `.`/`..` segments.

/** Kept as they are: readable names (e-mail addresses, logins) stay readable in the bucket. */
const SAFE = /^[A-Za-z0-9@._+-]$/;

/** Longer names are refused: the prefix appears in every key and three times in each session policy. */
export const MAX_USER_SEGMENT_LENGTH = 128;

export class UserNameUnusable extends Error {
  override name = 'UserNameUnusable';
}

/**
 * The user's name as one key segment: safe characters as they are, every other UTF-8 byte as `%XX`
 * (so `%` itself is escaped and the encoding is reversible, hence unique per name). A name made only
 * of dots would be a `.` or `..` path segment, which URL handling collapses: its dots are escaped.
 */
export function userKeySegment(user: string): string {
  if (user === '') throw new UserNameUnusable('The user name is empty.');
  const percentEncoded = (ch: string) =>
    [...Buffer.from(ch, 'utf8')]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join('');
  const onlyDots = /^\.+$/.test(user);
  const segment = [...user]
    .map((ch) => (SAFE.test(ch) && !(onlyDots && ch === '.') ? ch : percentEncoded(ch)))
    .join('');
  if (segment.length > MAX_USER_SEGMENT_LENGTH) {
    throw new UserNameUnusable(
      `The user name is ${segment.length} characters as a key segment; at most ${MAX_USER_SEGMENT_LENGTH} fit.`,
    );
  }
  return segment;
}

/** `<basePrefix><user segment>/`: where the user's tokens may write. */
export function userPrefix(basePrefix: string, user: string): string {
  return `${basePrefix}${userKeySegment(user)}/`;
}
