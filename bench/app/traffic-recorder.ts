// Runs inside the benchmark's emulator process: counts the upload body bytes the emulator reads, notes
// when the first one arrived and when each object was stored, and serves that at GET /-/bench/traffic
// (POST /-/bench/traffic/reset zeroes it). The browser and Skylift run unmodified; the emulator gets one
// pass-through stage on its body iterator — the same hook its bandwidth fault uses — and one callback
// after Complete/PutObject.

import type { IncomingMessage } from 'node:http';
import { interceptBody } from '../../server/emulator/faults/body-interception.ts';
import { sendBody } from '../../server/emulator/http/exchange.ts';
import type { FaultInjector, InternalRoute, ObjectStoredHook } from '../../server/emulator/server.ts';

export interface StoredObject {
  key: string;
  size: number;
  /** Date.now() when the object was stored (before the response went out). */
  at: number;
}

export interface Traffic {
  /** Body bytes of UploadPart and PutObject read since the reset, also of requests cut off mid-body. */
  bodyBytes: number;
  bodyRequests: number;
  /** The largest Content-Length among them: with parts sized to the link, what one part can be. */
  largestBody: number;
  /** Date.now() when the first request of each OSS operation had its headers parsed (a timeline). */
  firstAt: Record<string, number>;
  /** Date.now() when the emulator read the first body chunk of one (after authenticating it). */
  firstBodyByteAt?: number;
  stored: StoredObject[];
}

const BODY_OPERATIONS = new Set(['UploadPart', 'PutObject']);

export function createTrafficRecorder() {
  const zero = (): Traffic => ({ bodyBytes: 0, bodyRequests: 0, largestBody: 0, firstAt: {}, stored: [] });
  let traffic = zero();

  const counting = (chunks: AsyncIterable<Buffer>) =>
    (async function* count() {
      for await (const chunk of chunks) {
        traffic.firstBodyByteAt ??= Date.now();
        traffic.bodyBytes += chunk.length;
        yield chunk;
      }
    })();

  const faultInjector: FaultInjector = async (operation, req: IncomingMessage) => {
    traffic.firstAt[operation] ??= Date.now();
    if (!BODY_OPERATIONS.has(operation)) return undefined;
    traffic.bodyRequests++;
    traffic.largestBody = Math.max(traffic.largestBody, Number(req.headers['content-length'] ?? 0));
    interceptBody(req, counting);
    return undefined;
  };

  const onObjectStored: ObjectStoredHook = async ({ key, object }) => {
    traffic.stored.push({ key, size: object.size, at: Date.now() });
    return undefined;
  };

  const internalRoutes: InternalRoute[] = [
    {
      method: 'GET',
      path: /^bench\/traffic$/,
      handle: async ({ exchange }) => sendBody(exchange, 200, 'application/json', JSON.stringify(traffic)),
    },
    {
      method: 'POST',
      path: /^bench\/traffic\/reset$/,
      handle: async ({ exchange }) => {
        traffic = zero();
        sendBody(exchange, 200, 'application/json', '{}');
      },
    },
  ];

  return { faultInjector, onObjectStored, internalRoutes };
}
