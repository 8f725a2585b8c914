import { describe, expect, it } from 'vitest';
import {
  createMd5,
  md5Base64,
  md5DigestToBase64,
  md5DigestToHex,
  md5Hex,
  multipartEtag,
  quoteEtag,
  unquoteEtag,
} from './etag.ts';

const KIB = 1024;

describe('md5', () => {
  it('gives uppercase hex and base64 of known inputs', async () => {
    expect(await md5Hex('')).toBe('D41D8CD98F00B204E9800998ECF8427E');
    expect(await md5Base64(new Uint8Array())).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
  });

  it('computes the Content-MD5 ali-oss sends with the documented CompleteMultipartUpload body', async () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>\n<Part>\n<PartNumber>1</PartNumber>\n' +
      '<ETag>"7265F4D211B56873A381D321F586ABCD"</ETag>\n</Part>\n</CompleteMultipartUpload>';
    expect(await md5Base64(body)).toBe('G/6PJVWMNNOfyoezkhz4Og==');
  });

  it('streams: chunked updates equal the one-shot digest', async () => {
    const data = new TextEncoder().encode('stream me '.repeat(1000));
    const hasher = await createMd5();
    for (let i = 0; i < data.length; i += 333) hasher.update(data.subarray(i, i + 333));
    const digest = hasher.digest();
    expect(md5DigestToHex(digest)).toBe(await md5Hex(data));
    expect(md5DigestToBase64(digest)).toBe(await md5Base64(data));
  });
});

describe('ETag quoting', () => {
  it('quotes and unquotes', () => {
    expect(quoteEtag('ABC')).toBe('"ABC"');
    expect(unquoteEtag('"ABC"')).toBe('ABC');
    expect(unquoteEtag('&quot;ABC-2&quot;')).toBe('ABC-2');
    expect(unquoteEtag(' "ABC" ')).toBe('ABC');
    expect(unquoteEtag('ABC')).toBe('ABC');
    expect(unquoteEtag('"')).toBe('"');
  });
});

describe('multipartEtag (OSS API reference: "Common HTTP headers", ETag)', () => {
  it('reproduces the captured 2-part ETag', async () => {
    expect(
      await multipartEtag(['"4DE8075FB607DF4D13FBC480EA488EFA"', '"AF947EC157726CEA88ED83B3C989063B"']),
    ).toBe('"1C787C506EABFB9B45EAAA8DB039F4B2-2"');
  });

  it('normalises quotes and case of the part ETags', async () => {
    expect(
      await multipartEtag([
        '4de8075fb607df4d13fbc480ea488efa',
        '&quot;AF947EC157726CEA88ED83B3C989063B&quot;',
      ]),
    ).toBe('"1C787C506EABFB9B45EAAA8DB039F4B2-2"');
  });

  it('reproduces the 250 KiB 3-part vector from the part bodies', async () => {
    const whole = new Uint8Array(250 * KIB).fill(0x61);
    const parts = [
      whole.subarray(0, 100 * KIB),
      whole.subarray(100 * KIB, 200 * KIB),
      whole.subarray(200 * KIB),
    ];
    const partEtags = await Promise.all(parts.map(async (p) => quoteEtag(await md5Hex(p))));
    expect(await multipartEtag(partEtags)).toBe('"3C25E2530BB424451043129C9F11D0F2-3"');
  });

  it('refuses an empty part list', async () => {
    await expect(multipartEtag([])).rejects.toThrow(/at least one/);
  });
});
