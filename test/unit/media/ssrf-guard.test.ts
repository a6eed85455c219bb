import type { LookupAddress, LookupOptions } from 'node:dns';
import {
  BlockedAddressError,
  blockedAddressReason,
  blockedHostReason,
  createGuardedLookup,
  type ResolveAll,
} from '@sidecar/media/ssrf-guard';

describe('blockedAddressReason', () => {
  const addresses: Array<[address: string, reason: string | undefined]> = [
    ['8.8.8.8', undefined],
    ['93.184.216.34', undefined],
    ['172.32.0.1', undefined],
    ['100.128.0.1', undefined],
    ['169.255.0.1', undefined],
    ['2606:4700:4700::1111', undefined],
    ['::ffff:8.8.8.8', undefined],
    ['64:ff9b::808:808', undefined],
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.1.1', 'link-local'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique-local (private)'],
    ['fd12:3456::1', 'unique-local (private)'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['::127.0.0.1', 'reserved (IPv4-compatible)'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::c0a8:101', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::', 'private'],
    ['not-an-ip', 'invalid'],
  ];
  it.each(addresses)('%s → %s', (address, reason) => {
    expect(blockedAddressReason(address, false)).toBe(reason);
  });

  const allowed: Array<[address: string, reason: string | undefined]> = [
    ['127.0.0.1', undefined],
    ['10.0.0.1', undefined],
    ['::1', undefined],
    ['fd12::1', undefined],
    ['169.254.1.1', undefined],
    ['169.254.169.254', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
  ];
  it.each(allowed)('with allowPrivateNetworks: %s → %s', (address, reason) => {
    expect(blockedAddressReason(address, true)).toBe(reason);
  });
});

describe('blockedHostReason', () => {
  it.each([
    ['example.com', false, undefined],
    ['localhost.example.com', false, undefined],
    ['localhost', false, 'loopback'],
    ['LOCALHOST.', false, 'loopback'],
    ['api.localhost', false, 'loopback'],
    ['127.0.0.1', false, 'loopback'],
    ['[::1]', false, 'loopback'],
    ['[::ffff:7f00:1]', false, 'loopback'],
    ['[fe80::1]', false, 'link-local'],
    ['metadata.google.internal', false, 'cloud metadata'],
    ['METADATA.GOOGLE.INTERNAL.', false, 'cloud metadata'],
    ['localhost', true, undefined],
    ['[::1]', true, undefined],
    ['metadata.google.internal', true, 'cloud metadata'],
    ['169.254.169.254', true, 'cloud metadata'],
  ] as const)('%s (allowPrivateNetworks %s) → %s', (host, allowPrivateNetworks, reason) => {
    expect(blockedHostReason(host, allowPrivateNetworks)).toBe(reason);
  });
});

describe('createGuardedLookup', () => {
  const dns: Record<string, LookupAddress[]> = {
    'public.example': [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ],
    'mixed.example': [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ],
    'mapped.example': [{ address: '::ffff:127.0.0.1', family: 6 }],
    'metadata.google.internal': [{ address: '93.184.216.34', family: 4 }],
    'v4only.example': [{ address: '93.184.216.34', family: 4 }],
  };
  const resolveAll: ResolveAll = async (hostname) => {
    const addresses = dns[hostname];
    if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };

  /** Calls the lookup the way net.connect does and returns what it hands back. */
  function lookup(hostname: string, options: LookupOptions, allowPrivateNetworks = false) {
    return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      createGuardedLookup(allowPrivateNetworks, resolveAll)(hostname, options, (error, address, family) => resolve({ error, address, family }));
    });
  }

  it('hands every vetted address to happy-eyeballs connects (all: true)', async () => {
    expect(await lookup('public.example', { all: true })).toEqual({ error: null, address: dns['public.example'], family: undefined });
  });

  it('hands back the first vetted address for single lookups', async () => {
    expect(await lookup('public.example', {})).toEqual({ error: null, address: '93.184.216.34', family: 4 });
  });

  it('honours the requested family', async () => {
    expect(await lookup('public.example', { family: 6 })).toEqual({ error: null, address: '2606:2800:220:1::1', family: 6 });
    expect((await lookup('v4only.example', { family: 6 })).error?.code).toBe('ENOTFOUND');
  });

  it.each([
    ['mixed.example', 'private'],
    ['mapped.example', 'loopback'],
    ['metadata.google.internal', 'cloud metadata'],
  ])('refuses %s when any address is %s', async (hostname, reason) => {
    const { error } = await lookup(hostname, { all: true });
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error).toMatchObject({ hostname, reason, code: 'SIDECAR_BLOCKED_ADDRESS' });
  });

  it('lets private addresses through when allowPrivateNetworks is set', async () => {
    expect(await lookup('mixed.example', { all: true }, true)).toEqual({ error: null, address: dns['mixed.example'], family: undefined });
  });

  it('passes resolver errors on', async () => {
    expect((await lookup('missing.example', { all: true })).error?.code).toBe('ENOTFOUND');
  });
});
