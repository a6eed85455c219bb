import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Machine-readable code of a refused destination. */
export const SIDECAR_BLOCKED_ADDRESS = 'SIDECAR_BLOCKED_ADDRESS';

/** A media URL points (or resolves) somewhere the sidecar must not connect to. */
export class BlockedAddressError extends Error {
  readonly code = SIDECAR_BLOCKED_ADDRESS;

  constructor(
    readonly hostname: string,
    readonly reason: string,
  ) {
    super(`${hostname} is a ${reason} destination`);
    this.name = 'BlockedAddressError';
  }
}

/** Resolves every address of a host name (the system resolver unless a test injects one). */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

interface BlockedRange {
  reason: string;
  /** Refused even with `allowPrivateNetworks`: no image lives on a cloud metadata server, credentials do. */
  always: boolean;
  network: string;
  prefix: number;
}

const range = (reason: string, network: string, prefix: number, always = false): BlockedRange => ({ reason, always, network, prefix });

/** IPv4 ranges; IPv4-mapped IPv6 (::ffff:a.b.c.d) matches these too, NAT64 and 6to4 forms are derived below. */
const BLOCKED_IPV4: readonly BlockedRange[] = [
  range('cloud metadata', '169.254.169.254', 32, true),
  range('unspecified', '0.0.0.0', 8),
  range('private', '10.0.0.0', 8),
  range('shared (CGNAT)', '100.64.0.0', 10),
  range('loopback', '127.0.0.0', 8),
  range('link-local', '169.254.0.0', 16),
  range('private', '172.16.0.0', 12),
  range('reserved', '192.0.0.0', 24),
  range('private', '192.168.0.0', 16),
  range('benchmarking', '198.18.0.0', 15),
  range('multicast', '224.0.0.0', 4),
  range('reserved', '240.0.0.0', 4),
];

const BLOCKED_IPV6: readonly BlockedRange[] = [
  range('cloud metadata', 'fd00:ec2::254', 128, true),
  range('unspecified', '::', 128),
  range('loopback', '::1', 128),
  range('reserved (IPv4-compatible)', '::', 96),
  range('discard-only', '100::', 64),
  range('unique-local (private)', 'fc00::', 7),
  range('link-local', 'fe80::', 10),
  range('site-local', 'fec0::', 10),
  range('multicast', 'ff00::', 8),
  ...BLOCKED_IPV4.flatMap((v4) => embeddedInIpv6(v4)),
];

/** Host names refused by name before any lookup; the address checks catch them again after resolution. */
const ALWAYS_BLOCKED_HOSTS: ReadonlySet<string> = new Set(['metadata.google.internal']);
const LOCALHOST = /(^|\.)localhost$/;

const RULES = [
  ...BLOCKED_IPV4.map((rule) => ({ ...rule, family: 'ipv4' as const })),
  ...BLOCKED_IPV6.map((rule) => ({ ...rule, family: 'ipv6' as const })),
].map((rule) => {
  const list = new BlockList();
  list.addSubnet(rule.network, rule.prefix, rule.family);
  return { ...rule, list };
});

/** Why an IP address must not be fetched (e.g. 'loopback'), or undefined when it is a public address. */
export function blockedAddressReason(address: string, allowPrivateNetworks: boolean): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'invalid';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return RULES.find((rule) => (rule.always || !allowPrivateNetworks) && rule.list.check(address, type))?.reason;
}

/** Why a URL host (name or IP literal, brackets allowed) must not be fetched, judged before any DNS lookup. */
export function blockedHostReason(hostname: string, allowPrivateNetworks: boolean): string | undefined {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (isIP(host) !== 0) return blockedAddressReason(host, allowPrivateNetworks);
  if (ALWAYS_BLOCKED_HOSTS.has(host)) return 'cloud metadata';
  if (!allowPrivateNetworks && LOCALHOST.test(host)) return 'loopback';
  return undefined;
}

/**
 * A `lookup` for undici's connector: resolves every address, refuses the host if ANY of them is blocked, and hands the
 * vetted addresses to `net.connect`, so the socket goes exactly where the check looked (no DNS-rebinding window).
 * IP-literal hosts never reach a lookup (net.connect skips it), so callers check them with `blockedHostReason` first.
 */
export function createGuardedLookup(allowPrivateNetworks: boolean, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname)
      .then((addresses) => vetAddresses(hostname, addresses, allowPrivateNetworks, options.family))
      .then(
        (addresses) => {
          const [first] = addresses;
          if (options.all) callback(null, addresses);
          else if (first !== undefined) callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, ''),
      );
  };
}

function vetAddresses(hostname: string, addresses: LookupAddress[], allowPrivateNetworks: boolean, family: unknown): LookupAddress[] {
  const hostReason = blockedHostReason(hostname, allowPrivateNetworks);
  if (hostReason !== undefined) throw new BlockedAddressError(hostname, hostReason);
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address, allowPrivateNetworks);
    if (reason !== undefined) throw new BlockedAddressError(hostname, reason);
  }
  const wanted = family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;
  const usable = addresses.filter((address) => wanted === 0 || address.family === wanted);
  if (usable.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
  return usable;
}

function systemResolveAll(hostname: string): Promise<LookupAddress[]> {
  return lookup(hostname, { all: true });
}

/** The same IPv4 range inside NAT64 (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056) addresses. */
function embeddedInIpv6(v4: BlockedRange): BlockedRange[] {
  const [a = 0, b = 0, c = 0, d = 0] = v4.network.split('.').map(Number);
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  return [
    { ...v4, network: `64:ff9b::${hex(a, b)}:${hex(c, d)}`, prefix: 96 + v4.prefix },
    { ...v4, network: `2002:${hex(a, b)}:${hex(c, d)}::`, prefix: 16 + v4.prefix },
  ];
}
