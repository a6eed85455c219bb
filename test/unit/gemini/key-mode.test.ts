import { describeKeyMode } from '@sidecar/gemini/key-mode';

describe('describeKeyMode', () => {
  it("is the caller's key when the sidecar has none, and says how callers send it", () => {
    const line = describeKeyMode([]);
    expect(line).toMatchObject({ keyMode: 'caller', keyFingerprints: [] });
    expect(line.message).toContain('Authorization: Bearer <key> or x-goog-api-key is passed on as the Gemini key');
  });

  it('is the server key, by fingerprint, for one key', () => {
    const line = describeKeyMode(['1a2b3c4d']);
    expect(line).toMatchObject({ keyMode: 'server-key', keyFingerprints: ['1a2b3c4d'] });
    expect(line.message).toContain('(fingerprint 1a2b3c4d)');
    expect(line.message).toContain('not passed on');
  });

  it('is a pool with its size and fingerprints for several keys', () => {
    const line = describeKeyMode(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
    expect(line).toMatchObject({ keyMode: 'key-pool', keyFingerprints: ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'] });
    expect(line.message).toContain('a pool of 3 keys used round-robin (fingerprints aaaaaaaa, bbbbbbbb, cccccccc)');
  });
});
