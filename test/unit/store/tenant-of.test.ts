import { createHash } from 'node:crypto';
import { tenantOf } from '@sidecar/store/response-store';

describe('tenantOf', () => {
  const credential = 'sk-sidecar-client-key-0001';

  it('is the same SHA-256 hex for the same credential and another for another', () => {
    expect(tenantOf(credential)).toMatch(/^[0-9a-f]{64}$/);
    expect(tenantOf(credential)).toBe(tenantOf(credential));
    expect(tenantOf('sk-sidecar-client-key-0002')).not.toBe(tenantOf(credential));
  });

  it('holds neither the credential nor its plain SHA-256 (whose prefix is the fingerprint the logs show)', () => {
    expect(tenantOf(credential)).not.toContain(credential);
    expect(tenantOf(credential)).not.toBe(createHash('sha256').update(credential).digest('hex'));
  });
});
