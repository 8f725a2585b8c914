// The one retry loop. Every OSS call the engine makes (control calls and parts) runs through it,
// so backoff and clock correction behave the same everywhere. (A stale STS token is the OSS client's
// own business: it replaces the token and sends the request once more before anything fails here.)

import type { SkewClock } from './clock.ts';
import { isAbortError } from './errors.ts';
import { decide, type RetryDecision, type RetryPolicy } from './retry-policy.ts';

/** A decision the loop cannot act on by itself: the upload stops in the state it names. */
export class StopUpload extends Error {
  override name = 'StopUpload';
  constructor(readonly decision: Exclude<RetryDecision, { kind: 'retry' | 'correct-clock' }>) {
    super(decision.problem.message);
  }
}

/** The sync event's time budget ran out before this attempt could start. */
export class BudgetSpent extends Error {
  override name = 'BudgetSpent';
}

export interface RetryEnvironment {
  policy: RetryPolicy;
  clock: SkewClock;
  online: () => boolean;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Object key, for messages. */
  key: string;
  signal?: AbortSignal;
  /** Checked before every attempt; false stops with BudgetSpent. */
  mayStart?: () => boolean;
  /** Number of the first attempt (parts carry their count across wake-ups). */
  firstAttempt?: number;
  /** Told about every retry before its wait, e.g. to persist the attempt count and the next try time. */
  onRetry?: (decision: RetryDecision & { kind: 'retry' }, attempt: number) => Promise<void> | void;
}

export async function withRetries<T>(
  task: (attempt: number) => Promise<T>,
  env: RetryEnvironment,
): Promise<T> {
  for (let attempt = env.firstAttempt ?? 1; ; attempt++) {
    if (env.signal?.aborted) throw env.signal.reason ?? new DOMException('Aborted', 'AbortError');
    if (env.mayStart && !env.mayStart()) throw new BudgetSpent('The time budget is spent');
    try {
      return await task(attempt);
    } catch (error) {
      if (isAbortError(error) || error instanceof BudgetSpent) throw error;
      const decision = decide(
        error,
        { attempt, online: env.online(), random: env.random, key: env.key },
        env.policy,
      );
      switch (decision.kind) {
        case 'retry':
          await env.onRetry?.(decision, attempt);
          await env.sleep(decision.delayMs, env.signal);
          break;
        case 'correct-clock':
          env.clock.correct(decision.serverTime);
          break;
        default:
          throw new StopUpload(decision);
      }
    }
  }
}

/** setTimeout as a promise that an AbortSignal cuts short. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
