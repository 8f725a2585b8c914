// Which Host headers a local server answers. Checking Host is what stops DNS rebinding: a web page
// whose own domain is pointed at 127.0.0.1 becomes same-origin with the server, so CORS protects
// nothing, but its requests still carry the page's domain in Host.

import { hostName, ipLiteral, isLoopbackHost, normaliseHostName } from './addresses.ts';

export interface HostAllowList {
  /** Whether a request with this Host header is for this server. */
  allows(hostHeader: string | undefined): boolean;
  /** The allowed host names that are names (not IPs), under which `<sub>.<name>` is allowed too. */
  readonly names: readonly string[];
}

/**
 * localhost, *.localhost and loopback IPs, plus `extra` host names (each with its subdomains, e.g.
 * virtual-host buckets) and IP literals. Unspecified addresses (0.0.0.0, ::) are never a Host.
 */
export function hostAllowList(extra: readonly string[]): HostAllowList {
  const exact = new Set(extra.map(normaliseHostName).filter((name) => !['0.0.0.0', '[::]'].includes(name)));
  const names = [...exact].filter((name) => ipLiteral(name) === undefined);
  return {
    names,
    allows(hostHeader) {
      if (isLoopbackHost(hostHeader)) return true;
      const name = hostName(hostHeader);
      return exact.has(name) || names.some((allowed) => name.endsWith(`.${allowed}`));
    },
  };
}
