/**
 * Google's published Gemini Developer API prices (Paid tier, Standard service tier), in US dollars per million tokens.
 * A row matches a model id exactly or, for `prefix` rows, any id starting with it (dated and `-latest` variants stay
 * on the caller; `models/` is stripped before lookup). Operators put their own rows first (config `spend.prices`).
 */
export interface PriceRow {
  /** Model ids this row prices. */
  match: readonly string[];
  /** Also match ids that start with one of `match` (e.g. `gemini-2.5-flash-preview-09-2025`). */
  prefix?: boolean;
  /** Input (prompt) tokens: text, image and video. */
  input: number;
  /** Input audio tokens, where the model prices audio apart (Gemini counts 32 tokens per second of audio). */
  audioInput?: number;
  /** Output tokens, thinking included (Gemini bills thoughtsTokenCount as output). */
  output: number;
  /** Output image tokens, where images are priced apart (a 1024px image is 1290 tokens on 2.5, 1120 on 3). */
  imageOutput?: number;
  /** Input tokens served from a context cache (implicit or explicit); absent: billed as plain input. */
  cachedInput?: number;
  /** Prompts larger than `longContext.threshold` tokens pay these rates for the whole request. */
  longContext?: { threshold: number; input: number; output: number; cachedInput?: number };
  /** Batch API price as a fraction of the standard one (0.5: half price). The sidecar calls the synchronous API. */
  batchFactor?: number;
  /** Where the numbers come from and when they were read. */
  source: string;
  asOf: string;
}

/*
 * Read from copies of Google's pricing page (no live fetch was possible where this was written): the 3.x, 3.5 and
 * embedding rows and 2.5's input rates as the page stood on 2026-10-07, 3 Flash's audio and cache rates as of
 * 2026-07-04, the 2.5 cache rates (90 % off input since late 2025; 2.5 Pro $0.125 / $0.25) as the page and Google's
 * forum quote them. "prompts > 200k tokens" is per request (Google's forum). Check the page before billing anyone.
 */

/** Bumped whenever a built-in row changes; exported as `price_table_version` on gemini_sidecar_build_info. */
export const PRICE_TABLE_VERSION = '2026-10-07';

const PRICING_PAGE = 'https://ai.google.dev/gemini-api/docs/pricing';
const AS_OF = '2026-10-07';
/** "Batch API (50% cost reduction)" on the pricing page's Paid tier, for every token-priced model below. */
const BATCH = 0.5;
/** Gemini 2.5 Pro, 3 Pro and 3.1 Pro switch tier above this many prompt tokens ("prompts > 200k tokens"). */
const LONG_PROMPT = 200_000;

/** The built-in table. Ids Google retired are served through aliases (config-schema.ts) and priced as their target. */
export const BUILT_IN_PRICES: readonly PriceRow[] = [
  {
    match: ['gemini-3.1-pro-preview', 'gemini-3-pro-preview', 'gemini-pro-latest'],
    prefix: true,
    input: 2,
    output: 12,
    cachedInput: 0.2,
    longContext: { threshold: LONG_PROMPT, input: 4, output: 18, cachedInput: 0.4 },
    batchFactor: BATCH,
    source: PRICING_PAGE,
    asOf: AS_OF,
  },
  {
    match: ['gemini-3-pro-image-preview'],
    input: 2,
    output: 12,
    imageOutput: 120,
    batchFactor: BATCH,
    source: PRICING_PAGE,
    asOf: AS_OF,
  },
  { match: ['gemini-3.5-flash-lite'], prefix: true, input: 0.3, output: 2.5, batchFactor: BATCH, source: PRICING_PAGE, asOf: AS_OF },
  { match: ['gemini-3.5-flash'], prefix: true, input: 1.5, output: 9, batchFactor: BATCH, source: PRICING_PAGE, asOf: AS_OF },
  {
    match: ['gemini-3-flash-preview', 'gemini-flash-latest'],
    prefix: true,
    input: 0.5,
    audioInput: 1,
    output: 3,
    cachedInput: 0.05,
    batchFactor: BATCH,
    source: PRICING_PAGE,
    asOf: AS_OF,
  },
  {
    match: ['gemini-2.5-pro'],
    prefix: true,
    input: 1.25,
    output: 10,
    cachedInput: 0.125,
    longContext: { threshold: LONG_PROMPT, input: 2.5, output: 15, cachedInput: 0.25 },
    batchFactor: BATCH,
    source: PRICING_PAGE,
    asOf: AS_OF,
  },
  { match: ['gemini-2.5-flash-image'], prefix: true, input: 0.3, output: 2.5, imageOutput: 30, batchFactor: BATCH, source: PRICING_PAGE, asOf: AS_OF },
  {
    match: ['gemini-2.5-flash-lite', 'gemini-flash-lite-latest'],
    prefix: true,
    input: 0.1,
    audioInput: 0.3,
    output: 0.4,
    cachedInput: 0.01,
    batchFactor: BATCH,
    source: PRICING_PAGE,
    asOf: AS_OF,
  },
  {
    match: ['gemini-2.5-flash'],
    prefix: true,
    input: 0.3,
    audioInput: 1,
    output: 2.5,
    cachedInput: 0.03,
    batchFactor: BATCH,
    source: PRICING_PAGE,
    asOf: AS_OF,
  },
  { match: ['gemini-embedding-001'], input: 0.15, output: 0, batchFactor: BATCH, source: PRICING_PAGE, asOf: AS_OF },
  { match: ['gemini-embedding-2'], prefix: true, input: 0.2, output: 0, batchFactor: BATCH, source: PRICING_PAGE, asOf: AS_OF },
];
