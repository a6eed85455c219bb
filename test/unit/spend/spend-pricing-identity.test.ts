import { createHash } from 'node:crypto';
import { configSchema } from '@sidecar/config/config-schema';
import { ConsumerLabels } from '@sidecar/spend/consumer-labels';
import { consumerOf, type IdentitySettings } from '@sidecar/spend/consumer-identity';
import { estimateCost, findPrice } from '@sidecar/spend/estimate-cost';
import { BUILT_IN_PRICES, type PriceRow } from '@sidecar/spend/price-table';
import { tokenUsageFromGemini } from '@sidecar/spend/token-usage';

const KONG: IdentitySettings = { headers: ['x-consumer-username', 'x-consumer-id'], trustIngress: true, ingressSecretHeader: 'x-sidecar-ingress-secret' };

describe('findPrice', () => {
  it.each([
    ['gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'],
    ['gemini-2.5-flash-lite-preview-09-2025', 'gemini-2.5-flash-lite'],
    ['gemini-2.5-flash-preview-09-2025', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-image', 'gemini-2.5-flash-image'],
    ['models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['gemini-3.5-flash-lite', 'gemini-3.5-flash-lite'],
  ])('prices %s with the row listing %s (exact id first, then the longest prefix)', (model, listed) => {
    expect(findPrice(model, [], BUILT_IN_PRICES)?.match).toContain(listed);
  });

  it('finds no row for a model Google does not price here', () => {
    expect(findPrice('gemma-4-27b-it', [], BUILT_IN_PRICES)).toBeUndefined();
  });

  it('gives every built-in row a source URL and a date', () => {
    expect(BUILT_IN_PRICES.filter((row) => !/^https:\/\//.test(row.source) || !/^\d{4}-\d{2}-\d{2}$/.test(row.asOf))).toEqual([]);
  });
});

describe('estimateCost', () => {
  const row: PriceRow = { match: ['m'], input: 1, audioInput: 3, output: 10, imageOutput: 30, cachedInput: 0.1, source: 'test', asOf: '2026-01-01' };
  const usage = { input: 1_000_000, output: 1_000_000, reasoning: 0, cached: 0, audioInput: 0, imageOutput: 0 };

  it('prices audio input and image output at their own rates, the rest at the plain ones', () => {
    expect(estimateCost({ ...usage, audioInput: 250_000, imageOutput: 400_000 }, row).usd).toBeCloseTo(0.75 * 1 + 0.25 * 3 + 0.6 * 10 + 0.4 * 30, 9);
  });

  it('bills cached tokens at the cached rate and reports the saving', () => {
    expect(estimateCost({ ...usage, cached: 500_000 }, row)).toEqual({ usd: expect.closeTo(0.5 * 1 + 0.5 * 0.1 + 10, 9), cacheSavingsUsd: expect.closeTo(0.5 * 0.9, 9) });
  });

  it('bills cached tokens as plain input when the row has no cached rate (and saves nothing)', () => {
    expect(estimateCost({ ...usage, cached: 500_000 }, { ...row, cachedInput: undefined })).toEqual({ usd: expect.closeTo(11, 9), cacheSavingsUsd: 0 });
  });
});

describe('tokenUsageFromGemini', () => {
  it('adds tool-use prompt tokens to input and thinking to output, and reads audio and image tokens from the details', () => {
    expect(
      tokenUsageFromGemini({
        promptTokenCount: 100,
        toolUsePromptTokenCount: 5,
        candidatesTokenCount: 1290,
        thoughtsTokenCount: 20,
        cachedContentTokenCount: 40,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 68 }, { modality: 'AUDIO', tokenCount: 32 }],
        candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }],
      } as never),
    ).toEqual({ input: 105, output: 1310, reasoning: 20, cached: 40, audioInput: 32, imageOutput: 1290 });
  });
});

describe('consumerOf', () => {
  it('takes the first non-empty configured header, without control characters, cut to 128 characters', () => {
    expect(consumerOf({ 'x-consumer-username': '', 'x-consumer-id': ` id\u0007-${'x'.repeat(200)}` }, KONG)).toEqual({ id: `id-${'x'.repeat(125)}`, source: 'ingress' });
  });

  it('falls back to the fingerprint of the bearer or x-goog-api-key, then anonymous', () => {
    const fingerprint = (key: string) => `key:${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    const untrusted = { ...KONG, trustIngress: false };
    expect(consumerOf({ 'x-consumer-username': 'spoof', authorization: 'Bearer sk-abc' }, untrusted)).toEqual({ id: fingerprint('sk-abc'), source: 'key' });
    expect(consumerOf({ 'x-goog-api-key': 'AIza-x' }, untrusted)).toEqual({ id: fingerprint('AIza-x'), source: 'key' });
    expect(consumerOf({}, untrusted)).toEqual({ id: 'anonymous', source: 'anonymous' });
  });

  it('gives every key its own fingerprint also past the bound of remembered fingerprints (3,000 keys, each asked twice)', () => {
    const fingerprint = (key: string) => `key:${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    const untrusted = { ...KONG, trustIngress: false };
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < 3000; index++) {
        const key = `sk-${index}`;
        expect(consumerOf({ authorization: `Bearer ${key}` }, untrusted).id).toBe(fingerprint(key));
      }
    }
  });

  it('with an ingress secret, believes the headers only when it is presented, trustIngress or not', () => {
    const settings = { ...KONG, trustIngress: false, ingressSecret: 'a-long-enough-secret' };
    expect(consumerOf({ 'x-consumer-username': 'team', 'x-sidecar-ingress-secret': 'a-long-enough-secret' }, settings).id).toBe('team');
    expect(consumerOf({ 'x-consumer-username': 'team', 'x-sidecar-ingress-secret': 'a-long-enough-secreT' }, { ...settings, trustIngress: true }).id).toBe('anonymous');
  });
});

describe('ConsumerLabels', () => {
  it('never admits a consumer literally named other, so `other` only ever means the rest', () => {
    const labels = new ConsumerLabels([], 5);
    expect(['other', 'a', 'a'].map((id) => labels.label(id))).toEqual(['other', 'a', 'a']);
    expect(labels.known()).toEqual(['a']);
  });
});

describe('config', () => {
  it('lower-cases consumer header names and refuses ones that are not header names, or a short ingress secret', () => {
    expect(configSchema.parse({ consumers: { headers: ['X-Consumer-Username'] } }).consumers.headers).toEqual(['x-consumer-username']);
    expect(configSchema.safeParse({ consumers: { headers: ['x consumer'] } }).error?.issues[0]).toMatchObject({ path: ['consumers', 'headers', 0], message: 'must be an HTTP header name' });
    expect(configSchema.safeParse({ consumers: { ingressSecret: 'short' } }).success).toBe(false);
    expect(configSchema.safeParse({ pricing: { prices: [{ match: ['m'], input: -1, output: 1 }] } }).success).toBe(false);
  });
});
