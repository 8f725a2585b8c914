import { describe, expect, it } from 'vitest';
import { parseQueryPairs, percentDecode, uriEncode } from '../../../lib/oss/uri-encode.ts';

describe('uriEncode', () => {
  it('leaves only RFC 3986 unreserved characters alone', () => {
    expect(uriEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(uriEncode("!'()*")).toBe('%21%27%28%29%2A');
    expect(uriEncode(' +/?#&=%')).toBe('%20%2B%2F%3F%23%26%3D%25');
  });

  it('keeps slashes only when asked', () => {
    expect(uriEncode('/bucket/1234+-/123/1.txt', true)).toBe('/bucket/1234%2B-/123/1.txt');
    expect(uriEncode('a/b')).toBe('a%2Fb');
  });

  it('encodes UTF-8 bytes with uppercase hex', () => {
    expect(uriEncode('环境')).toBe('%E7%8E%AF%E5%A2%83');
    expect(uriEncode('é😀')).toBe('%C3%A9%F0%9F%98%80');
  });

  it("agrees with encodeURIComponent plus !'()* escaping on arbitrary text", () => {
    const sample = 'Ω key (copy) [1] {x} 50% +plus ~tilde "q" \\ | ^ ` @ $ , ; : \u00a0';
    const expected = encodeURIComponent(sample).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    expect(uriEncode(sample)).toBe(expected);
  });
});

describe('percentDecode', () => {
  it('decodes %XX sequences as UTF-8 and keeps + literal', () => {
    expect(percentDecode('photo%201.png')).toBe('photo 1.png');
    expect(percentDecode('a+b%2Bc')).toBe('a+b+c');
    expect(percentDecode('%e7%8e%af')).toBe('环');
    expect(percentDecode("raw!'()*")).toBe("raw!'()*");
  });

  it('round-trips uriEncode', () => {
    const text = "dir/sub dir/ünïcødé +%!'()*~.txt";
    expect(percentDecode(uriEncode(text))).toBe(text);
  });

  it.each([
    ['%', /Malformed percent-escape/],
    ['abc%2', /Malformed percent-escape/],
    ['%zz', /Malformed percent-escape/],
    ['%G1', /Malformed percent-escape/],
    ['%C3', /not valid UTF-8/],
    ['%FF%FE', /not valid UTF-8/],
    ['%ED%A0%80', /not valid UTF-8/], // encoded surrogate
  ])('rejects %s', (input, error) => {
    expect(() => percentDecode(input)).toThrow(error);
  });
});

describe('parseQueryPairs', () => {
  it('splits, decodes and keeps order and duplicates', () => {
    expect(parseQueryPairs('?prefix=uploads%2F&max-uploads=10&uploads=')).toEqual([
      ['prefix', 'uploads/'],
      ['max-uploads', '10'],
      ['uploads', ''],
    ]);
    expect(parseQueryPairs('a&&b=1=2&a=x+y')).toEqual([
      ['a', ''],
      ['b', '1=2'],
      ['a', 'x+y'],
    ]);
    expect(parseQueryPairs('')).toEqual([]);
  });

  it('rejects malformed escapes', () => {
    expect(() => parseQueryPairs('uploadId=%G0')).toThrow(/Malformed/);
  });
});
