// Where upload callbacks may go. The app server's answer to a callback is relayed to the uploader, so a
// callback that may call anything lets any holder of an upload token read services on this machine or
// its networks. Loopback, private, link-local and other special-purpose addresses are refused unless
// configured (`callbackAllowedNetworks`, --callback-allow, OSS_EMULATOR_CALLBACK_ALLOW). The rule is
// applied to the addresses a URL's host resolves to, twice: before anything is stored (so the request
// fails cleanly with 400), and again when connecting (a name can resolve differently the second time).

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressRange, ipLiteral } from '../../net/addresses.ts';
import { networkList } from '../../net/network-list.ts';
import { ossError } from '../errors.ts';

export interface CallbackTargets {
  /** Why a callback may not go to `ip` (e.g. "127.0.0.1 is a loopback address"), or undefined. */
  refusal(ip: string): string | undefined;
  /**
   * Refuses, with 400 InvalidArgument, a callback whose URLs resolve to a refused address. A name that
   * does not resolve is left to fail at delivery (203 CallbackFailed), as OSS does.
   */
  check(urls: readonly URL[], raw: string): Promise<void>;
  /** For http.request: resolves as dns.lookup does, but fails for refused addresses. */
  lookup: LookupFunction;
}

const ALLOW_HINT =
  'the emulator calls loopback and private networks only when allowed (--callback-allow, OSS_EMULATOR_CALLBACK_ALLOW)';

/** A connection the lookup refused; its message says why. */
export class CallbackTargetRefused extends Error {}

async function resolve(hostname: string): Promise<string[]> {
  const literal = ipLiteral(hostname);
  if (literal !== undefined) return [literal];
  return new Promise((done) => {
    dnsLookup(hostname, { all: true }, (error, addresses) =>
      done(error ? [] : addresses.map((a) => a.address)),
    );
  });
}

/** `allowed`: IP addresses and CIDR ranges callbacks may reach although they are not public. */
export function callbackTargets(allowed: readonly string[]): CallbackTargets {
  const allowList = networkList(allowed);

  function refusal(ip: string): string | undefined {
    const range = addressRange(ip);
    if (range === 'public' || allowList.includes(ip)) return undefined;
    return `${ip} is a ${range} address`;
  }

  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, options, (error, address: string | LookupAddress[], family?: number) => {
      if (error) return callback(error, address as string, family);
      const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
      const refused = addresses.map(refusal).find((reason) => reason !== undefined);
      if (refused)
        return callback(new CallbackTargetRefused(`${hostname}: ${refused}; ${ALLOW_HINT}`), '', 0);
      callback(null, address as string, family);
    });
  };

  return {
    refusal,
    lookup,
    async check(urls, raw) {
      for (const url of urls) {
        for (const ip of await resolve(url.hostname)) {
          const refused = refusal(ip);
          if (refused) throw ossError.callbackTargetRefused(url.href, `${refused}; ${ALLOW_HINT}`, raw);
        }
      }
    },
  };
}
