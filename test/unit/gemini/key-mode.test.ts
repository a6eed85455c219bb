import { describeKeyMode, describeVertexMode } from '@sidecar/gemini/key-mode';

describe('describeKeyMode', () => {
  it("is the caller's key when the sidecar has none, and says how callers send it", () => {
    const line = describeKeyMode([], 'caller-key');
    expect(line).toMatchObject({ keyMode: 'caller', authMode: 'caller-key', keyFingerprints: [] });
    expect(line.message).toContain('Authorization: Bearer <key> or x-goog-api-key is passed on as the Gemini key');
    expect(line.message).toContain('Callers authenticate with their own Gemini key');
  });

  it('is the server key, by fingerprint, for one key', () => {
    const line = describeKeyMode(['1a2b3c4d'], 'client-keys');
    expect(line).toMatchObject({ keyMode: 'server-key', authMode: 'client-keys', keyFingerprints: ['1a2b3c4d'] });
    expect(line.message).toContain('(fingerprint 1a2b3c4d)');
    expect(line.message).toContain('not passed on');
    expect(line.message).toContain('Callers must present one of the SIDECAR_API_KEYS (auth.clientKeys)');
  });

  it('is a pool with its size and fingerprints for several keys', () => {
    const line = describeKeyMode(['aaaaaaaa', 'bbbbbbbb', 'cccccccc'], 'client-keys');
    expect(line).toMatchObject({ keyMode: 'key-pool', keyFingerprints: ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'] });
    expect(line.message).toContain('a pool of 3 keys used round-robin (fingerprints aaaaaaaa, bbbbbbbb, cccccccc)');
  });

  it('says that nothing checks callers when the ingress is trusted', () => {
    const line = describeKeyMode(['1a2b3c4d'], 'trusted-ingress');
    expect(line).toMatchObject({ keyMode: 'server-key', authMode: 'trusted-ingress' });
    expect(line.message).toContain('Callers are not checked by the sidecar: SIDECAR_TRUST_INGRESS=true (auth.trustIngress)');
  });
});

describe('describeVertexMode', () => {
  it('names Vertex, the project, location and ADC, and never a token', () => {
    const line = describeVertexMode('trusted-ingress', { auth: 'adc', project: 'p', location: 'global', baseUrl: 'https://aiplatform.googleapis.com', keyFingerprints: [] });
    expect(line).toMatchObject({ keyMode: 'vertex-adc', authMode: 'trusted-ingress', keyFingerprints: [] });
    expect(line.message).toMatch(/^Vertex AI \(project p, location global, https:\/\/aiplatform\.googleapis\.com\) with OAuth access tokens from Application Default Credentials/);
  });

  it('gives the express key by fingerprint only', () => {
    const line = describeVertexMode('client-keys', { auth: 'express', project: undefined, location: 'global', baseUrl: 'https://aiplatform.googleapis.com', keyFingerprints: ['abcd1234'] });
    expect(line).toMatchObject({ keyMode: 'vertex-express', keyFingerprints: ['abcd1234'] });
    expect(line.message).toContain('express-mode API key (fingerprint abcd1234)');
  });
});
