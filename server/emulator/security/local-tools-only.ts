// Guards for the emulator's own endpoints. The admin ones (restart, faults, buckets) are for local
// tools: tests, benchmarks, curl, scripts. A web page must never reach them — not one on another
// machine, and not one open in the developer's browser, which runs on this machine and can send
// cross-origin requests (form POSTs and simple fetches need no CORS permission to be sent).

import { isLoopbackAddress } from '../../net/addresses.ts';
import { type Exchange, sendBody } from '../http/exchange.ts';
import type { InternalRequest, InternalRoute } from '../routing/internal-route.ts';
import { pageRequest } from './page-request.ts';

const refuse = (exchange: Exchange, error: string) =>
  sendBody(exchange, 403, 'application/json', JSON.stringify({ error }));

const endpoint = ({ exchange, path }: InternalRequest) => `${exchange.req.method} /-/${path}`;

/** Answers 403 to requests a browser sends on behalf of a web page; local tools pass. */
export function notFromPages(route: InternalRoute): InternalRoute {
  return {
    ...route,
    handle: async (request) => {
      const page = pageRequest(request.exchange.req.headers);
      if (page) {
        refuse(
          request.exchange,
          `${endpoint(request)} refuses requests a browser sends on behalf of a web page (origin ${page.origin}): ` +
            'call it from a local tool such as curl or a script, without Origin or Sec-Fetch-Site headers.',
        );
        return;
      }
      await route.handle(request);
    },
  };
}

/**
 * For endpoints that can break, restart or empty the emulator: clients on this machine only (it may
 * listen on a public interface), and no web page.
 */
export function localToolsOnly(route: InternalRoute): InternalRoute {
  const guarded = notFromPages(route);
  return {
    ...guarded,
    handle: async (request) => {
      if (!isLoopbackAddress(request.exchange.req.socket.remoteAddress)) {
        refuse(request.exchange, `${endpoint(request)} answers loopback clients only`);
        return;
      }
      await guarded.handle(request);
    },
  };
}
