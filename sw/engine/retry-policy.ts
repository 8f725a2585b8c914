// What to do about a failure. Pure: an error and the attempt count in, a decision out. The one
// retry loop (with-retries.ts) and the part sender act on these decisions; nothing else decides.

import { CredentialsError } from '../../lib/credentials/token-service-call.ts';
import { OssNetworkError, OssRequestError } from '../../lib/oss-client/errors.ts';
import type { UploadProblem } from '../../lib/protocol/messages.ts';
import { CrcMismatchError, FileChangedError, isFileReadError } from './errors.ts';

export type RetryDecision =
  /** Transient (network blip, 5xx, 429/SlowDown, CRC mismatch): try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; problem: UploadProblem }
  /** The STS token expired or was refused: fetch new credentials and try again now. */
  | { kind: 'refresh-credentials'; problem: UploadProblem }
  /** The device clock is off: sign with the server's time (ms since the epoch) and try again now. */
  | { kind: 'correct-clock'; serverTime: number; problem: UploadProblem }
  /** Offline, or the network keeps failing: pause until a sync (or the page) brings us back. */
  | { kind: 'wait-for-network'; problem: UploadProblem }
  /** The stored file cannot be read: ask the user to select it again. */
  | { kind: 'needs-file'; problem: UploadProblem }
  /** Will not heal by itself: stop this upload and say what to fix. */
  | { kind: 'fatal'; problem: UploadProblem };

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts per part or per control call before giving up (network errors then wait for the network). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 8 };

export interface FailureContext {
  /** The attempt that just failed, 1 for the first. */
  attempt: number;
  online: boolean;
  /** [0, 1), injectable for tests. */
  random: () => number;
  key: string;
}

/** "Full jitter": uniform in [0, min(cap, base·2^(attempt-1))], so a crowd of retries spreads out. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

const FIXES: Record<string, (error: OssRequestError, key: string) => string> = {
  AccessDenied: (e) =>
    `OSS refused access (${e.message}). Check that the token service's policy allows writing this key and that the bucket ACL permits it.`,
  InvalidArgument: (e) => `OSS rejected the request: ${e.message} Check the upload's headers and options.`,
  FileAlreadyExists: (_e, key) =>
    `An object named "${key}" already exists and this upload forbids overwriting it. Choose another key or allow overwriting.`,
  NoSuchBucket: (e) =>
    `The bucket does not exist (${e.message}). Check the configured bucket name (OSS_BUCKET).`,
  InvalidAccessKeyId: (e) =>
    `OSS does not know the access key (${e.message}). Check the token service configuration.`,
  SignatureDoesNotMatch: (e) =>
    `OSS computed a different signature (${e.message}). Check the region and the access key secret.`,
  NoSuchUpload: () =>
    'The multipart upload no longer exists in OSS: it was aborted or completed elsewhere (or by a lifecycle rule). Start the upload again.',
  InvalidPart: (e) => `OSS does not have a part this upload listed (${e.message}). Start the upload again.`,
  // Raised here, not by OSS: the message already names the CORS fix.
  HeaderNotExposed: (e) => e.message,
  EntityTooSmall: (e) =>
    `OSS refused a part as too small (${e.message}). Use a part size of at least 100 KB.`,
};

function problemOf(error: OssRequestError, key: string): UploadProblem {
  const fix = FIXES[error.code];
  const message = fix ? fix(error, key) : `OSS answered HTTP ${error.status} ${error.code}: ${error.message}`;
  return { message, code: error.code, requestId: error.requestId || undefined };
}

const isTransientStatus = (status: number, code: string) =>
  status >= 500 || status === 429 || code === 'SlowDown' || code === 'RequestTimeout';

export function decide(
  error: unknown,
  context: FailureContext,
  policy = DEFAULT_RETRY_POLICY,
): RetryDecision {
  const { attempt, online, random, key } = context;
  const exhausted = attempt >= policy.maxAttempts;
  const retry = (problem: UploadProblem): RetryDecision =>
    exhausted
      ? {
          kind: 'fatal',
          problem: {
            ...problem,
            message: `${problem.message} (gave up after ${attempt} attempts; retry when it is fixed)`,
          },
        }
      : { kind: 'retry', delayMs: backoffDelay(policy, attempt, random), problem };

  if (error instanceof FileChangedError) {
    return {
      kind: 'needs-file',
      problem: {
        code: 'FileChanged',
        message:
          "This file's content changed after it was chosen (its size and date did not), so the parts already sent may not match it. " +
          'Select the file again: every part already in OSS is checked against it, and the ones that differ are sent again.',
      },
    };
  }
  if (isFileReadError(error)) {
    return {
      kind: 'needs-file',
      problem: {
        code: 'FileNotReadable',
        message: 'The stored copy of this file can no longer be read. Select this file again to continue.',
      },
    };
  }
  if (error instanceof OssNetworkError || (error instanceof CredentialsError && error.status === 0)) {
    const problem = { code: 'NetworkError', message: `No answer from the network: ${error.message}` };
    if (!online || exhausted) return { kind: 'wait-for-network', problem };
    return { kind: 'retry', delayMs: backoffDelay(policy, attempt, random), problem };
  }
  if (error instanceof CredentialsError) {
    const problem = { code: error.code, message: error.message };
    if (error.status === 429 && !exhausted) {
      // Too many requests from this client: wait as long as the token service asks, at least.
      const delayMs = Math.max(backoffDelay(policy, attempt, random), error.retryAfterMs ?? 0);
      return { kind: 'retry', delayMs, problem };
    }
    return error.status >= 500 ? retry(problem) : { kind: 'fatal', problem };
  }
  if (error instanceof CrcMismatchError) return retry({ code: 'CrcMismatch', message: error.message });
  if (error instanceof OssRequestError) {
    const problem = problemOf(error, key);
    if (isTransientStatus(error.status, error.code)) return retry(problem);
    if (error.code === 'SecurityTokenExpired' || error.code === 'InvalidSecurityToken') {
      return exhausted ? { kind: 'fatal', problem } : { kind: 'refresh-credentials', problem };
    }
    if (error.code === 'RequestTimeTooSkewed') {
      const serverTime = Date.parse(error.details.ServerTime ?? '');
      if (!exhausted && Number.isFinite(serverTime)) return { kind: 'correct-clock', serverTime, problem };
    }
    return { kind: 'fatal', problem };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'fatal', problem: { code: 'InternalError', message: `Unexpected failure: ${message}` } };
}
