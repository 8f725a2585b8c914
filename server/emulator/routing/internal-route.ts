// The shape of an emulator endpoint under `/-/`, apart from the table of them (internal-routes.ts),
// so the guards that wrap routes (security/local-tools-only.ts) and the table need not import each other.
import type { Exchange } from '../http/exchange.ts';
import type { Query } from '../http/query.ts';

export interface InternalRequest {
  exchange: Exchange;
  /** Path after `/-/`, still percent-encoded. */
  path: string;
  query: Query;
  params: string[];
}

export interface InternalRoute {
  method: string;
  /** Matched against the path after `/-/`; capture groups become `params`. */
  path: RegExp;
  handle(request: InternalRequest): Promise<void>;
}
