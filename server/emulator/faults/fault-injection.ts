// Network and server faults for resilience tests, switchable while the emulator runs. Plugs into the
// pipeline's faultInjector hook, which runs once the operation is known and before authentication.
// Per request on a configured operation, in this order:
//   drop (dropNext) → latency → error (errorRate) → reset (resetRate) →
//   lost answer (loseAnswerNext, then loseAnswerRate) → bandwidth cap.
// Latency also delays the CORS preflights of those operations (delayPreflight), so latency plus a
// bandwidth cap behave as a link does: every round trip pays it, and all connections share the rate.
// A lost answer is decided here and happens at the request's end: it runs, and its answer is cut off.
// The dice are rolled three times per request that is not dropped (error, reset, lost answer), whatever
// the rates, so with a seed the N-th request always gets the same fate.

import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ossError } from '../errors.ts';
import type { FaultInjector } from '../request-pipeline.ts';
import type { OperationName } from '../routing/operations.ts';
import { interceptBody, resetStage, throttleStage } from './body-interception.ts';
import { DEFAULT_FAULT_OPERATIONS, type FaultConfig } from './fault-config.ts';
import { loseAnswer } from './lose-answer.ts';
import { seededRandom } from './seeded-random.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * What was injected since the config was last set. Every request on a configured operation ends up in
 * exactly one of dropped / errors / resets / answersLost / passed, so those add up to `requests`;
 * `delayed` and `throttled` count requests that were slowed down on top of their fate.
 */
export interface FaultCounters {
  requests: number;
  dropped: number;
  errors: number;
  resets: number;
  /** Requests that ran to the end and whose answer was then cut off. */
  answersLost: number;
  passed: number;
  delayed: number;
  throttled: number;
}

export interface FaultState {
  config: FaultConfig;
  counters: FaultCounters;
}

export interface FaultInjection {
  inject: FaultInjector;
  /**
   * The latency fault for a CORS preflight of `operation`: on a real link the browser's preflight
   * costs a round trip before the request itself goes out.
   */
  delayPreflight(operation: OperationName): Promise<void>;
  /** Replaces the config (validated by parseFaultConfig) and zeroes the counters; `{}` turns faults off. */
  configure(config: FaultConfig): void;
  state(): FaultState;
}

const zeroCounters = (): FaultCounters => ({
  requests: 0,
  dropped: 0,
  errors: 0,
  resets: 0,
  answersLost: 0,
  passed: 0,
  delayed: 0,
  throttled: 0,
});

function declaredBodyLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header !== undefined) return Number(header);
  return req.headers['transfer-encoding'] === undefined ? 0 : undefined;
}

export function createFaultInjection(initial: FaultConfig = {}): FaultInjection {
  let config: FaultConfig = {};
  let counters = zeroCounters();
  let random = Math.random;
  let bucket: TokenBucket | undefined;
  let dropsLeft = 0;
  let lossesLeft = 0;
  let applies: (operation: string) => boolean = () => false;

  function configure(next: FaultConfig): void {
    config = { ...next };
    counters = zeroCounters();
    random = next.seed === undefined ? Math.random : seededRandom(next.seed);
    bucket = next.bandwidthBytesPerSecond ? new TokenBucket(next.bandwidthBytesPerSecond) : undefined;
    dropsLeft = next.dropNext ?? 0;
    lossesLeft = next.loseAnswerNext ?? 0;
    const operations = new Set<string>(next.operations ?? DEFAULT_FAULT_OPERATIONS);
    applies = operations.has('*') ? () => true : (operation) => operations.has(operation);
  }
  configure(initial);

  const inject: FaultInjector = async (operation, req, res) => {
    if (!applies(operation)) return undefined;
    counters.requests++;
    if (dropsLeft > 0) {
      dropsLeft--;
      counters.dropped++;
      req.socket.destroy();
      return 'handled';
    }
    const errorRoll = random();
    const resetRoll = random();
    const loseRoll = random();
    if (config.latencyMs) {
      counters.delayed++;
      await sleep(config.latencyMs);
    }
    if (errorRoll < (config.errorRate ?? 0)) {
      counters.errors++;
      // Thrown rather than written: the pipeline awaits this hook inside its error boundary, which
      // renders an OssError with the request's own id and common headers.
      throw config.errorStatus === 500 ? ossError.internalError() : ossError.slowDown();
    }
    if (resetRoll < (config.resetRate ?? 0)) {
      counters.resets++;
      const length = declaredBodyLength(req);
      if (length === 0) {
        req.socket.destroy();
        return 'handled';
      }
      // Half of a known body (at least one byte); the first chunk of a chunked one.
      interceptBody(req, resetStage(req, length === undefined ? 1 : Math.max(1, Math.floor(length / 2))));
    } else if (lossesLeft > 0 || loseRoll < (config.loseAnswerRate ?? 0)) {
      if (lossesLeft > 0) lossesLeft--;
      counters.answersLost++;
      loseAnswer(req, res);
    } else {
      counters.passed++;
    }
    if (bucket) {
      counters.throttled++;
      interceptBody(req, throttleStage(req, bucket));
    }
    return undefined;
  };

  return {
    inject,
    async delayPreflight(operation) {
      if (config.latencyMs && applies(operation)) await sleep(config.latencyMs);
    },
    configure,
    state: () => ({
      config: { ...config, dropNext: dropsLeft || undefined, loseAnswerNext: lossesLeft || undefined },
      counters: { ...counters },
    }),
  };
}
