import { describe, expect, it } from 'vitest';
import { crc64, crc64Combine, crc64ToHeader, createCrc64, parseCrc64Header } from '../../../lib/oss/crc64.ts';

const text = (s: string) => new TextEncoder().encode(s);
const KIB = 1024;

describe('crc64 (CRC-64/XZ = OSS CRC64-ECMA)', () => {
  it('matches the published check values', async () => {
    expect(await crc64(text('123456789'))).toBe(0x995dc9bbdf1939fan);
    expect(crc64ToHeader(await crc64(text('123456789')))).toBe('11051210869376104954');
    expect(await crc64(text('This is a test of the emergency broadcast system.'))).toBe(0x27db187fc15bbc72n);
  });

  it('is 0 for empty input', async () => {
    expect(await crc64(new Uint8Array())).toBe(0n);
    expect(crc64ToHeader(0n)).toBe('0');
  });

  it('matches the 250 KiB vector and its three parts', async () => {
    const whole = new Uint8Array(250 * KIB).fill(0x61);
    expect(crc64ToHeader(await crc64(whole))).toBe('11365289437050403408');
    const parts = [
      whole.subarray(0, 100 * KIB),
      whole.subarray(100 * KIB, 200 * KIB),
      whole.subarray(200 * KIB),
    ];
    const partCrcs = await Promise.all(parts.map((p) => crc64(p)));
    expect(partCrcs.map(crc64ToHeader)).toEqual([
      '12696911168479852064',
      '12696911168479852064',
      '17647184528527188742',
    ]);
    let combined = 0n;
    parts.forEach((part, i) => {
      combined = crc64Combine(combined, partCrcs[i]!, part.length);
    });
    expect(crc64ToHeader(combined)).toBe('11365289437050403408');
  });

  it('streams: chunked updates equal the one-shot value', async () => {
    const data = text('The quick brown fox jumps over the lazy dog, repeatedly.'.repeat(50));
    const hasher = await createCrc64();
    for (let i = 0; i < data.length; i += 37) hasher.update(data.subarray(i, i + 37));
    expect(hasher.digest()).toBe(await crc64(data));
  });
});

describe('crc64Combine', () => {
  it('combining any random split equals the CRC of the whole', async () => {
    const data = new Uint8Array(64 * KIB);
    globalThis.crypto.getRandomValues(data);
    const whole = await crc64(data);
    for (let trial = 0; trial < 25; trial++) {
      const cuts = Array.from({ length: 1 + (trial % 6) }, () =>
        Math.floor(Math.random() * (data.length + 1)),
      );
      const bounds = [0, ...cuts.sort((a, b) => a - b), data.length];
      let combined = 0n;
      for (let i = 0; i + 1 < bounds.length; i++) {
        const piece = data.subarray(bounds[i], bounds[i + 1]);
        combined = crc64Combine(combined, await crc64(piece), piece.length);
      }
      expect(combined, `cuts ${bounds.join(',')}`).toBe(whole);
    }
  });

  it('treats an empty second part as identity and accepts bigint lengths', async () => {
    const a = await crc64(text('abc'));
    expect(crc64Combine(a, 0n, 0)).toBe(a);
    const b = await crc64(text('defgh'));
    expect(crc64Combine(a, b, 5n)).toBe(await crc64(text('abcdefgh')));
  });

  it('stays associative for lengths beyond 2^32 bytes', () => {
    // (A‖B)‖C = A‖(B‖C) holds only if x^(8·(|B|+|C|)) = x^(8·|B|)·x^(8·|C|) mod P, so this checks the
    // power table far past the sizes the data-driven tests can reach.
    const [a, b, c] = [0x0123456789abcdefn, 0xfedcba9876543210n, 0x0f1e2d3c4b5a6978n];
    for (const [lenB, lenC] of [
      [5_000_000_000n, 3_000_000_123n],
      [2n ** 40n + 7n, 2n ** 45n - 1n],
      [1n, 2n ** 62n],
    ] as const) {
      expect(crc64Combine(crc64Combine(a, b, lenB), c, lenC)).toBe(
        crc64Combine(a, crc64Combine(b, c, lenC), lenB + lenC),
      );
    }
  });

  it('does 10,000 combines of 1 MiB parts well under a second', () => {
    const start = performance.now();
    let crc = 0n;
    for (let i = 0; i < 10_000; i++) crc = crc64Combine(crc, 0x9a5b2c7d1e0f3a4bn ^ BigInt(i), 1024 * 1024);
    expect(performance.now() - start).toBeLessThan(500);
    expect(crc).not.toBe(0n);
  });

  it('rejects out-of-range arguments', () => {
    expect(() => crc64Combine(-1n, 0n, 1)).toThrow(RangeError);
    expect(() => crc64Combine(0n, 1n << 64n, 1)).toThrow(RangeError);
    expect(() => crc64Combine(0n, 0n, -1)).toThrow(RangeError);
    expect(() => crc64Combine(0n, 0n, 1.5)).toThrow(RangeError);
  });
});

describe('crc64 header form', () => {
  it('round-trips unsigned decimal values', () => {
    for (const v of [0n, 1n, 8707180448768400016n, 0xffffffffffffffffn]) {
      expect(parseCrc64Header(crc64ToHeader(v))).toBe(v);
    }
  });

  it.each(['', '-1', '0x10', '1.0', '18446744073709551616', 'abc'])('rejects %j', (value) => {
    expect(() => parseCrc64Header(value)).toThrow();
  });
});
