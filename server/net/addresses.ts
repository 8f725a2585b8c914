// What an IP address or a Host header names, said once for every server here: the token service and the
// OSS emulator decide with it who is on this machine, which host names they answer to, and where the
// emulator's upload callbacks may go. Address classes come from ipaddr.js (the IANA special-purpose
// registries, kept up to date there), not from hand-written masks.

import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A Host header (or URL host) without its port, lowercased; IPv6 literals keep their brackets. */
export function hostName(host: string | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/** A DNS host name: dot-separated labels of letters, digits and inner hyphens. */
const DNS_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** `name` lowercased, IPv6 literals bracketed as in a Host header; throws unless a host name or IP. */
export function normaliseHostName(name: string): string {
  const lower = name.trim().toLowerCase();
  const ip = ipLiteral(lower);
  if (ip !== undefined) return ip.includes(':') ? `[${ip}]` : ip;
  if (!DNS_NAME.test(lower)) throw new Error(`"${name}" is not a host name or IP address`);
  return lower;
}

/** Whether `value` is what a Host header holds: a host name or IP literal, and optionally `:port`. */
export function isHostHeaderValue(value: string): boolean {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(value);
  if (!match || (match[2] !== undefined && Number(match[2]) > 65535)) return false;
  const name = match[1]!;
  if (!name.startsWith('[') && name.includes(':')) return false;
  try {
    normaliseHostName(name);
    return true;
  } catch {
    return false;
  }
}

/** The address a host name spells literally (`[::1]` → `::1`, `127.0.0.1` → itself), else undefined. */
export function ipLiteral(name: string): string | undefined {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) === 0 ? undefined : bare;
}

/**
 * The special-purpose range an address belongs to (`loopback`, `private`, `linkLocal`, `uniqueLocal`,
 * `unspecified`, `carrierGradeNat`, …), or `public` for ordinary internet unicast. An IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4 peers) counts as the IPv4 it carries.
 */
export function addressRange(ip: string): string {
  if (isIP(ip) === 0) throw new TypeError(`not an IP address: ${ip}`);
  const range = ipaddr.process(ip).range();
  return range === 'unicast' ? 'public' : range;
}

/** 127.0.0.0/8 and ::1, also IPv4-mapped. */
export function isLoopbackAddress(ip: string | undefined): boolean {
  return ip !== undefined && isIP(ip) !== 0 && addressRange(ip) === 'loopback';
}

/** `localhost`, any `*.localhost` (always this machine, RFC 6761) and loopback IP literals, any port. */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  const name = hostName(hostHeader);
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(ipLiteral(name));
}
