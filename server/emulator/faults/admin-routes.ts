// The emulator's fault switchboard over HTTP, for tests that drive a separately started emulator
// (Playwright, the CLI). Local tools only (loopback, never a web page: security/local-tools-only.ts):
//   PUT  /-/admin/faults   JSON FaultConfig → replaces the config, zeroes the counters ({} = no faults)
//   GET  /-/admin/faults   → { config, counters }
//   POST /-/admin/restart  → crash-restarts the emulator on the same port, answers once it listens again

import type { Socket } from 'node:net';
import { ossError } from '../errors.ts';
import { readSmallBody } from '../handlers/request-body.ts';
import { type Exchange, sendBody } from '../http/exchange.ts';
import type { InternalRoute } from '../routing/internal-route.ts';
import { localToolsOnly } from '../security/local-tools-only.ts';
import { FaultConfigError, parseFaultConfig } from './fault-config.ts';
import type { FaultInjection } from './fault-injection.ts';

const MAX_CONFIG_BYTES = 64 * 1024;

export interface FaultAdminDeps {
  faults: FaultInjection;
  /** Restarts as a crash would, except for `spare`: the admin request's own connection, to answer on. */
  restart(spare: Socket): Promise<void>;
}

const sendJson = (exchange: Exchange, status: number, value: unknown, headers = {}) =>
  sendBody(exchange, status, 'application/json', JSON.stringify(value), headers);

export function faultAdminRoutes({ faults, restart }: FaultAdminDeps): InternalRoute[] {
  const routes: InternalRoute[] = [
    {
      method: 'GET',
      path: /^admin\/faults$/,
      handle: async ({ exchange }) => sendJson(exchange, 200, faults.state()),
    },
    {
      method: 'PUT',
      path: /^admin\/faults$/,
      handle: async ({ exchange }) => {
        const text = await readSmallBody(exchange.req, MAX_CONFIG_BYTES, ossError.entityTooLarge);
        try {
          faults.configure(parseFaultConfig(text.trim() === '' ? {} : JSON.parse(text)));
        } catch (error) {
          if (!(error instanceof FaultConfigError || error instanceof SyntaxError)) throw error;
          sendJson(exchange, 400, { error: error.message });
          return;
        }
        sendJson(exchange, 200, faults.state());
      },
    },
    {
      method: 'POST',
      path: /^admin\/restart$/,
      handle: async ({ exchange }) => {
        await restart(exchange.req.socket);
        // This connection belongs to the server that was just replaced: close it after the answer.
        sendJson(exchange, 200, { restarted: true }, { Connection: 'close' });
      },
    },
  ];
  return routes.map(localToolsOnly);
}
