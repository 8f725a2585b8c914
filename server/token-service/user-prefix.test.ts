import { describe, expect, it } from 'vitest';
import { MAX_USER_SEGMENT_LENGTH, UserNameUnusable, userKeySegment, userPrefix } from './user-prefix.ts';

describe('userKeySegment', () => {
  it('keeps readable names readable', () => {
    expect(userKeySegment('alice@example.com')).toBe('alice@example.com');
    expect(userKeySegment('Bob_Smith-2+x')).toBe('Bob_Smith-2+x');
    expect(userPrefix('uploads/', 'alice@example.com')).toBe('uploads/alice@example.com/');
  });

  it('escapes what could leave the segment or widen a policy: / \\ * ? % spaces and non-ASCII', () => {
    expect(userKeySegment('a/b')).toBe('a%2Fb');
    expect(userKeySegment('a\\b')).toBe('a%5Cb');
    expect(userKeySegment('a*?')).toBe('a%2A%3F');
    expect(userKeySegment('100%')).toBe('100%25');
    expect(userKeySegment('Zoë Ng')).toBe('Zo%C3%AB%20Ng');
    expect(userKeySegment('\u0000x')).toBe('%00x');
  });

  it('never yields a "." or ".." segment, which URLs collapse', () => {
    expect(userKeySegment('.')).toBe('%2E');
    expect(userKeySegment('..')).toBe('%2E%2E');
    expect(userKeySegment('a..')).toBe('a..');
  });

  it('gives different names different segments (the encoding is reversible)', () => {
    const names = ['a/b', 'a%2Fb', 'a_b', 'a b', 'A/B', 'a.b', 'a%252Fb', '.', '%2E', 'é', 'e\u0301'];
    const segments = names.map(userKeySegment);
    expect(new Set(segments).size).toBe(names.length);
    for (const [i, segment] of segments.entries()) {
      expect(decodeURIComponent(segment)).toBe(names[i]);
      expect(segment).not.toMatch(/[/*?]/);
    }
  });

  it('refuses an empty name and one too long for a key prefix', () => {
    expect(() => userKeySegment('')).toThrow(UserNameUnusable);
    expect(userKeySegment('x'.repeat(MAX_USER_SEGMENT_LENGTH))).toHaveLength(MAX_USER_SEGMENT_LENGTH);
    expect(() => userKeySegment('x'.repeat(MAX_USER_SEGMENT_LENGTH + 1))).toThrow(/at most 128 fit/);
    expect(() => userKeySegment('/'.repeat(50))).toThrow(UserNameUnusable); // 150 once escaped
  });
});
