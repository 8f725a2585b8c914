import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../lib/credentials/token-service-call.ts';
import { OssNetworkError, OssRequestError } from '../../../lib/oss-client/errors.ts';
import { CrcMismatchError } from '../../../sw/engine/errors.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, decide } from '../../../sw/engine/retry-policy.ts';

const ctx = (attempt = 1, online = true) => ({ attempt, online, random: () => 0.5, key: 'uploads/a.bin' });
const oss = (status: number, code: string, details: Record<string, string> = {}) =>
  new OssRequestError(status, code, `${code} message`, 'REQ1', '', details);

describe('decide', () => {
  it('retries 5xx, 429 and SlowDown with backoff, then gives up with a clear message', () => {
    for (const error of [
      oss(503, 'ServiceUnavailable'),
      oss(429, 'TooManyRequests'),
      oss(503, 'SlowDown'),
      oss(500, 'InternalError'),
    ]) {
      expect(decide(error, ctx(1)).kind).toBe('retry');
    }
    const last = decide(oss(503, 'ServiceUnavailable'), ctx(DEFAULT_RETRY_POLICY.maxAttempts));
    expect(last.kind).toBe('fatal');
    expect(last.problem.message).toMatch(/gave up after 8 attempts/);
  });

  it('retries network errors while online and waits for the network when offline or exhausted', () => {
    const error = new OssNetworkError(
      'UploadPart 3 got no answer: Failed to fetch',
      new TypeError('Failed to fetch'),
    );
    expect(decide(error, ctx(1, true)).kind).toBe('retry');
    expect(decide(error, ctx(1, false)).kind).toBe('wait-for-network');
    expect(decide(error, ctx(8, true)).kind).toBe('wait-for-network');
    expect(decide(new CredentialsError('slow down', 429, 'TooManyRequests', 20_000), ctx(2))).toMatchObject({
      kind: 'retry',
      delayMs: 20_000,
    });
    expect(decide(new CredentialsError('no', 403, 'Forbidden'), ctx(1)).kind).toBe('fatal');
    expect(decide(new CredentialsError('no route', 0, 'NetworkError'), ctx(1, false)).kind).toBe(
      'wait-for-network',
    );
  });

  it('refreshes credentials on an expired or invalid token', () => {
    // The client already retried with a new token: a second refusal will not heal by retrying.
    expect(decide(oss(403, 'SecurityTokenExpired'), ctx())).toMatchObject({
      kind: 'fatal',
      problem: { message: expect.stringMatching(/fresh credentials.*clock/) },
    });
    expect(decide(oss(403, 'InvalidSecurityToken'), ctx()).kind).toBe('fatal');
  });

  it('corrects the clock from ServerTime on RequestTimeTooSkewed', () => {
    const decision = decide(
      oss(403, 'RequestTimeTooSkewed', { ServerTime: '2024-09-23T06:32:40.000Z' }),
      ctx(),
    );
    expect(decision).toMatchObject({
      kind: 'correct-clock',
      serverTime: Date.parse('2024-09-23T06:32:40.000Z'),
    });
  });

  it('stops with a message that says what to fix for errors that will not heal', () => {
    expect(decide(oss(403, 'AccessDenied'), ctx()).problem.message).toMatch(/policy/);
    expect(decide(oss(409, 'FileAlreadyExists'), ctx()).problem.message).toMatch(
      /"uploads\/a.bin" already exists/,
    );
    expect(decide(oss(404, 'NoSuchBucket'), ctx()).problem.message).toMatch(/OSS_BUCKET/);
    expect(decide(oss(404, 'NoSuchUpload'), ctx()).problem.message).toMatch(/aborted or completed elsewhere/);
    expect(decide(oss(400, 'InvalidArgument'), ctx()).kind).toBe('fatal');
    const hidden = decide(
      new OssRequestError(
        200,
        'HeaderNotExposed',
        'Add ETag and x-oss-hash-crc64ecma to ExposeHeader',
        '',
        '',
      ),
      ctx(),
    );
    expect(hidden).toMatchObject({
      kind: 'fatal',
      problem: { code: 'HeaderNotExposed', message: 'Add ETag and x-oss-hash-crc64ecma to ExposeHeader' },
    });
  });

  it('asks for the file again when it cannot be read, and re-sends on a CRC mismatch', () => {
    expect(decide(new DOMException('gone', 'NotReadableError'), ctx()).kind).toBe('needs-file');
    expect(decide(new CrcMismatchError('part 2 differs'), ctx(1)).kind).toBe('retry');
    expect(decide(new CrcMismatchError('part 2 differs'), ctx(8)).kind).toBe('fatal');
  });
});

describe('backoffDelay', () => {
  it('is full jitter under an exponential ceiling capped at maxDelayMs', () => {
    const policy = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 8 };
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(499);
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(1998);
    expect(backoffDelay(policy, 20, () => 0.999)).toBe(29_970);
    expect(backoffDelay(policy, 5, () => 0)).toBe(0);
  });
});
