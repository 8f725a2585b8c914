import { describe, expect, it } from 'vitest';
import {
  addressRange,
  hostName,
  isHostHeaderValue,
  isLoopbackHost,
  normaliseHostName,
} from '../../../server/net/addresses.ts';
import { hostAllowList } from '../../../server/net/host-allow-list.ts';
import { networkList } from '../../../server/net/network-list.ts';

describe('host names', () => {
  it('reads the name of a Host header: lowercased, without port, IPv6 kept in brackets', () => {
    expect(hostName('Bucket.LocalHost:9000')).toBe('bucket.localhost');
    expect(hostName('[::1]:9000')).toBe('[::1]');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    expect(hostName(undefined)).toBe('');
  });

  it('knows the names that always mean this machine', () => {
    for (const host of [
      'localhost',
      'localhost:1',
      'a.b.localhost',
      '127.0.0.1:9000',
      '127.200.0.1',
      '[::1]:80',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['', 'localhost.attacker.example', 'evil-localhost', '10.0.0.1', '[::2]', '0.0.0.0']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('tells what a Host header may hold', () => {
    for (const value of [
      'app.example.com',
      'app.example.com:8443',
      '192.0.2.1',
      '[2001:db8::1]:80',
      'a-b.c',
    ]) {
      expect(isHostHeaderValue(value), value).toBe(true);
    }
    for (const value of [
      '',
      'a b',
      'a/b',
      'a\r\nb',
      'héllo.example',
      '-a.example',
      'a..b',
      'x:99999',
      '::1',
      'a:b:c',
    ]) {
      expect(isHostHeaderValue(value), value).toBe(false);
    }
    expect(normaliseHostName('::1')).toBe('[::1]');
    expect(normaliseHostName(' Skylift.TEST ')).toBe('skylift.test');
  });
});

describe('address ranges', () => {
  it('classifies with IPv4-mapped addresses counted as their IPv4', () => {
    expect(addressRange('8.8.8.8')).toBe('public');
    expect(addressRange('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressRange('::ffff:c0a8:101')).toBe('private');
    expect(addressRange('fe80::1')).toBe('linkLocal');
    expect(() => addressRange('localhost')).toThrow(TypeError);
  });

  it('matches address lists of either family', () => {
    const list = networkList(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(list.includes('::ffff:127.0.0.1')).toBe(true);
    expect(list.includes('10.9.9.9')).toBe(true);
    expect(list.includes('fd00::1')).toBe(true);
    expect(list.includes('127.0.0.2')).toBe(false);
    expect(list.includes('::1')).toBe(false);
    expect(() => networkList(['127.1'])).toThrow(/not an IP address or CIDR range/);
  });
});

describe('host allow-list', () => {
  it('allows loopback names, the configured names with their subdomains, and configured IPs exactly', () => {
    const list = hostAllowList(['Emulator.Test', '192.0.2.10', '0.0.0.0']);
    expect(list.names).toEqual(['emulator.test']);
    for (const host of ['localhost:9000', 'emulator.test', 'bucket.emulator.test:9000', '192.0.2.10:9000']) {
      expect(list.allows(host), host).toBe(true);
    }
    for (const host of ['xemulator.test', 'emulator.test.evil', '192.0.2.11', '0.0.0.0:9000', undefined]) {
      expect(list.allows(host), host).toBe(false);
    }
    expect(() => hostAllowList(['bad host'])).toThrow(/not a host name or IP address/);
  });
});
