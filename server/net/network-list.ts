// A list of IP addresses and CIDR ranges, such as the networks a configuration opens up.

import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface NetworkList {
  /** Whether `ip` (IPv4-mapped IPv6 counts as its IPv4) lies in one of the ranges. */
  includes(ip: string): boolean;
}

function parseEntry(entry: string): Range {
  const text = entry.trim();
  // isIP first: ipaddr.js also reads shorthands such as 127.1, which have no place in a configuration.
  const address = text.split('/')[0]!;
  try {
    if (isIP(address) === 0) throw new Error('not an address');
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const parsed = ipaddr.process(text);
    return [parsed, parsed.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1)`);
  }
}

/** Parses every entry (throwing an Error that names a bad one). */
export function networkList(entries: readonly string[]): NetworkList {
  const ranges = entries.map(parseEntry);
  return {
    includes(ip) {
      const address = ipaddr.process(ip);
      return ranges.some(
        ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
      );
    },
  };
}
