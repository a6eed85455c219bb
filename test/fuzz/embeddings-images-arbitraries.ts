import fc from 'fast-check';
import { anyJson, deepJson, jsonObject, maybe, numberIn, text, typed } from './fuzz-json';

const embeddingModel = fc.oneof(
  fc.constantFrom('gemini-embedding-001', 'text-embedding-004', 'models/gemini-embedding-001', '../x', '__proto__', 'toString'),
  fc.string({ maxLength: 6 }),
);

/** More inputs than one batchEmbedContents call takes (100). */
const manyInputs = fc.integer({ min: 95, max: 230 }).map((count) => Array.from({ length: count }, (_, index) => `text ${index}`));

const embeddingsInput = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 4, arbitrary: fc.array(text, { maxLength: 5 }) },
  { weight: 1, arbitrary: manyInputs },
  { weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.array(fc.integer(), { maxLength: 3 }), { maxLength: 3 }) },
);

const taskType = fc.constantFrom('retrieval_query', 'RETRIEVAL_DOCUMENT', 'semantic_similarity', 'CODE_RETRIEVAL_QUERY', 'bogus', '');

/** Embeddings bodies, including token-id inputs, empty strings and inputs that need more than one batch. */
export function embeddingsBody(wild: boolean): fc.Arbitrary<Record<string, unknown>> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  const google = jsonObject({ task_type: maybe(pick(taskType)), title: maybe(pick(text)), other: maybe(anyJson, 4) });
  return jsonObject({
    model: maybe(pick(embeddingModel), 1, 20),
    input: maybe(pick(embeddingsInput), 1, 20),
    encoding_format: maybe(pick(fc.constantFrom('float', 'base64', 'hex')), 2),
    dimensions: maybe(numberIn(1, 3_072, true, wild), 3),
    user: maybe(text, 6),
    extra_body: maybe(pick(jsonObject({ google: maybe(google, 1, 5) })), 4),
    google: maybe(google, 6),
  });
}

const imageModel = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'gemini-2.5-flash-image',
      'gemini-3-pro-image-preview',
      'imagen-4.0-generate-001',
      'imagen-3.0-generate-002',
      'models/imagen-4.0-fast-generate-001',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('gemini-2.5-flash', 'dall-e-3', '', 'a/b', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** OpenAI's fixed sizes, ratios, WIDTHxHEIGHT that reduce (or not) to a supported ratio, and junk. */
const imageSize = fc.oneof(
  fc.constantFrom('256x256', '1024x1024', '1536x1024', '1024x1792', 'auto', 'AUTO ', '16:9', '21:9', '1536x864', '0x0', '12x0', '2x3', 'huge'),
  fc.tuple(fc.nat(5_000), fc.nat(5_000)).map(([width, height]) => `${width}x${height}`),
  fc.string({ maxLength: 6 }),
);

const prompt = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n\t', 'a cat') });

/** Image generation bodies for Gemini image models, Imagen models and models that cannot draw. */
export function imagesBody(wild: boolean): fc.Arbitrary<Record<string, unknown>> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  const rare = <T>(arbitrary: fc.Arbitrary<T>) => maybe(pick(arbitrary), 8);
  // generation_config goes to Gemini unchecked, deep values included.
  const generationConfig = fc.dictionary(
    fc.constantFrom('imageConfig', 'temperature', 'responseModalities', 'candidateCount'),
    fc.oneof({ weight: 6, arbitrary: anyJson }, { weight: 1, arbitrary: deepJson() }),
    { maxKeys: 2 },
  );
  const safetySetting = jsonObject({ category: fc.constant('HARM_CATEGORY_HARASSMENT'), threshold: fc.constant('OFF') });
  const google = jsonObject({
    aspect_ratio: maybe(pick(fc.constantFrom('1:1', '16:9', '7:3', '')), 2),
    generation_config: maybe(pick(generationConfig), 2),
    safety_settings: maybe(pick(fc.array(safetySetting, { maxLength: 2 })), 3),
    other: maybe(anyJson, 4),
  });
  return jsonObject({
    model: maybe(pick(imageModel), 1, 20),
    prompt: maybe(pick(prompt), 1, 20),
    n: maybe(numberIn(1, 12, true, wild), 2),
    size: maybe(pick(imageSize), 2),
    response_format: maybe(pick(fc.constantFrom('b64_json', 'url', 'png')), 3),
    stream: rare(fc.boolean()),
    extra_body: maybe(pick(jsonObject({ google: maybe(google, 1, 5), other: maybe(anyJson, 3) })), 4),
    google: maybe(google, 6),
    quality: rare(fc.constantFrom('auto', 'hd', 'standard')),
    style: rare(fc.constantFrom('vivid', 'natural')),
    user: rare(text),
    background: rare(fc.constantFrom('auto', 'transparent')),
    output_format: rare(fc.constantFrom('png', 'jpeg')),
    output_compression: rare(fc.integer({ min: 0, max: 100 })),
    moderation: rare(fc.constantFrom('auto', 'low')),
    partial_images: rare(fc.integer({ min: 0, max: 3 })),
  });
}
