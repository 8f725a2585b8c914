// The Host check every request passes first (DNS rebinding protection, see net/host-allow-list.ts).

import { hostName } from '../../net/addresses.ts';
import type { HostAllowList } from '../../net/host-allow-list.ts';
import { ossError } from '../errors.ts';
import { type Exchange, sendBody } from '../http/exchange.ts';

function explanation(host: string | undefined): string {
  const named =
    host === undefined || host === '' ? 'this request names no host' : `Host "${host}" is none of them`;
  return (
    `The OSS emulator answers requests addressed to localhost, a loopback IP or a host name it is configured with; ${named} ` +
    '(a web page using DNS rebinding looks like this). If you reach the emulator under that name, allow it with ' +
    '--allowed-host (npm start: OSS_EMULATOR_ALLOWED_HOSTS).'
  );
}

/**
 * OSS's own endpoint names. ali-oss in Node sends `Host: <bucket>.oss-<region>.aliyuncs.com` whenever
 * its endpoint is an IP address (as http://127.0.0.1:9000 is). Safe to accept: Alibaba Cloud controls
 * that domain's DNS, so no web page can be served under it from this machine.
 */
const OSS_DOMAIN = '.aliyuncs.com';

/** Whether a request with this Host header is meant for this emulator. */
export function isEmulatorHost(hosts: HostAllowList, hostHeader: string | undefined): boolean {
  return hosts.allows(hostHeader) || hostName(hostHeader).endsWith(OSS_DOMAIN);
}

/** Answers a request whose Host this emulator does not go by: JSON on `/-/` endpoints, else OSS XML. */
export function refuseForeignHost(exchange: Exchange, internal: boolean): void {
  const message = explanation(exchange.req.headers.host);
  if (internal) {
    sendBody(exchange, 403, 'application/json', JSON.stringify({ error: message }));
    return;
  }
  throw ossError.accessDenied(message);
}
