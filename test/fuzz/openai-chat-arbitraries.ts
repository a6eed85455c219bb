import fc from 'fast-check';
import { OPENAI_ROLES } from '@sidecar/translate/chat-completions/openai-chat-schema';
import { anyJson, deepJson, jsonObject, maybe, numberIn, text, typed } from './fuzz-json';
import { rootSchema } from './json-schema-arbitraries';

/** Chat models of every family the translator tells apart, with the prefixes clients copy, plus names it must refuse. */
const chatModel = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.constantFrom(
      'gemini-2.5-flash',
      'gemini-2.5-pro',
      'gemini-2.5-flash-lite',
      'gemini-2.0-flash',
      'gemini-1.5-pro',
      'gemini-3-pro-preview',
      'gemini-3-flash-preview',
      'gemini-3.1-pro-preview',
      'gemini-2.5-flash-image',
      'gemini-3-pro-image-preview',
      'models/gemini-2.5-flash-lite',
      'google/gemini-3.1-flash-lite',
      'gemma-3-27b-it',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '../x', 'a/b', 'models/', 'gemini:pro', 'gemini?x', 'models/models/gemini-2.5-flash', '__proto__', 'constructor'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const mimeType = fc.oneof(
  fc.constantFrom('image/png', 'image/jpeg', 'application/pdf', 'audio/wav', 'text/plain', 'IMAGE/PNG', ''),
  fc.string({ maxLength: 8 }),
);
const base64 = fc.oneof({ weight: 3, arbitrary: fc.base64String({ maxLength: 16 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });

/** RFC 2397 data URLs, well-formed or not: missing comma, bad media types, bad base64, bad percent-encoding. */

const dataUrl = fc
  .tuple(
    fc.constantFrom('data:', 'DATA:'),
    mimeType,
    fc.constantFrom(';base64', '', ';charset=utf-8;base64', ';BASE64 '),
    fc.constantFrom(',', ''),
    fc.oneof(base64, fc.constantFrom('hello%20world', '%zz', '%41%42', '')),
  )
  .map((pieces) => pieces.join(''));

/** Everything a media reference can be: Files API names and URIs, gs://, http(s), OpenAI file ids, junk. */
const mediaReference = fc.oneof(
  fc.constantFrom(
    'files/abc-123',
    'gs://bucket/photo.png',
    'gs://bucket/doc',
    'https://example.com/cat.jpg',
    'http://example.com/a?x=.png',
    'https://generativelanguage.googleapis.com/v1beta/files/abc',
    'ftp://example.com/a.png',
    'file-abc123',
    'javascript:alert(1)',
  ),
  fc.webUrl(),
  fc.string({ maxLength: 10 }),
);

const mediaUrl = fc.oneof(dataUrl, mediaReference);

/** One content part of each type the translator knows, a type it does not know, and (wild) any JSON value. */
function contentPart(wild: boolean): fc.Arbitrary<unknown> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  const parts = [
    jsonObject({ type: fc.constant('text'), text: pick(text) }),
    jsonObject({
      type: fc.constant('image_url'),
      image_url: fc.oneof(
        mediaUrl,
        jsonObject({ url: maybe(pick(mediaUrl), 1, 10), detail: maybe(pick(fc.constantFrom('low', 'high', 'auto', 'max'))) }),
      ),
    }),
    jsonObject({
      type: fc.constant('input_audio'),
      input_audio: jsonObject({
        format: pick(fc.constantFrom('wav', 'mp3', 'MP3', 'pcm16', 'audio/x-custom', 'audio/bad mime', 'flac', '__proto__')),
        data: pick(base64),
      }),
    }),
    jsonObject({
      type: fc.constant('file'),
      file: jsonObject({
        file_data: maybe(pick(fc.oneof(base64, dataUrl))),
        file_id: maybe(pick(mediaReference)),
        filename: maybe(pick(fc.constantFrom('a.pdf', 'notes.txt', 'x.unknownext', 'noext', 'A.PNG', '.hidden'))),
        format: maybe(pick(mimeType)),
      }),
    }),
    jsonObject({ type: fc.constant('refusal'), refusal: pick(text) }),
  ];
  const unknownType = jsonObject({
    type: fc.oneof(fc.constantFrom('input_text', 'image', 'toString', '__proto__', 'constructor'), fc.string({ maxLength: 6 })),
    text: maybe(text),
  });
  const known = parts.map((arbitrary) => ({ weight: 4, arbitrary }));
  return fc.oneof(...known, { weight: 1, arbitrary: unknownType }, { weight: wild ? 2 : 0, arbitrary: anyJson });
}

/** Ids recur so that tool messages sometimes answer an earlier call; two carry LiteLLM's signature suffix. */
const toolCallId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('call_1', 'call_2', 'call_3', 'call_1__thought__c2ln', 'call_x__thought__', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Valid Gemini function names most of the time, then names Gemini refuses. */
const functionName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('get_weather', 'lookup', 'ns.tool:v1-2', '_private') },
  { weight: 1, arbitrary: fc.constantFrom('', '1bad', 'has space', 'x'.repeat(129), '__proto__') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** `arguments` strings: JSON objects, other JSON, junk, blanks, and very deep JSON. */
const argumentsText = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '{', 'null', '[]', '{"a":1}', '"x"') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: deepJson(true) },
);

/** The places clients carry Gemini thought signatures in: Google's `extra_content` and LiteLLM's fields. */
function signatureCarriers(wild: boolean): Record<string, fc.Arbitrary<unknown>> {
  const signature = maybe(typed(fc.oneof(fc.constant('c2lnbmF0dXJl'), text), wild));
  return {
    extra_content: maybe(typed(jsonObject({ google: typed(jsonObject({ thought_signature: signature }), wild) }), wild), 4),
    provider_specific_fields: maybe(typed(jsonObject({ thought_signature: signature }), wild), 6),
  };
}

/** An assistant `tool_calls[]` entry as a client echoes it back. */
function toolCall(wild: boolean): fc.Arbitrary<unknown> {
  return jsonObject({
    id: typed(toolCallId, wild),
    type: maybe(typed(fc.constant('function'), wild)),
    function: typed(
      jsonObject({
        name: typed(functionName, wild),
        arguments: maybe(fc.oneof({ weight: 6, arbitrary: argumentsText }, { weight: 1, arbitrary: fc.constant(null) })),
        thought_signature: maybe(text, 4),
      }),
      wild,
    ),
    ...signatureCarriers(wild),
  });
}

/** One message of any role, with every field the schema reads; tool-call ids recur across messages. */
function message(wild: boolean): fc.Arbitrary<unknown> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  // user and assistant turns dominate real histories; tool results without a matching call are refused, so fewer.
  const knownRole = fc.oneof(
    { weight: 4, arbitrary: fc.constant('user') },
    { weight: 3, arbitrary: fc.constant('assistant') },
    { weight: 2, arbitrary: fc.constantFrom(...OPENAI_ROLES) },
  );
  const role = wild
    ? fc.oneof(
        { weight: 8, arbitrary: knownRole },
        { weight: 1, arbitrary: fc.constantFrom('robot', 'model', 'USER', '') },
        { weight: 1, arbitrary: anyJson },
      )
    : knownRole;
  const content = fc.oneof(
    { weight: 3, arbitrary: text },
    { weight: 3, arbitrary: fc.array(contentPart(wild), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: wild ? 1 : 0, arbitrary: anyJson },
    // A tool result whose JSON object text becomes functionResponse.response as it is.
    { weight: 1, arbitrary: deepJson(true) },
  );
  return jsonObject({
    role,
    content: maybe(content, 1, 5),
    name: maybe(pick(functionName), 3),
    tool_calls: maybe(pick(fc.array(toolCall(wild), { maxLength: 3 })), 2),
    tool_call_id: maybe(pick(toolCallId), 2),
    function_call: maybe(pick(jsonObject({ name: pick(functionName), arguments: maybe(argumentsText) })), 8),
    thinking_blocks: maybe(pick(fc.array(jsonObject({ signature: maybe(text) }), { maxLength: 2 })), 8),
    ...signatureCarriers(wild),
  });
}

/** A `tools[].function` or `functions[]` entry; parameters are JSON Schemas with `$ref` cycles now and then. */
function functionDefinition(wild: boolean): fc.Arbitrary<unknown> {
  return jsonObject({
    name: typed(functionName, wild),
    description: maybe(typed(text, wild)),
    parameters: maybe(typed(rootSchema, wild), 1, 3),
    strict: maybe(typed(fc.boolean(), wild), 3),
  });
}

/** `tool_choice`: modes, a named function, an `allowed_tools` subset (names may be undeclared). */
function toolChoice(wild: boolean): fc.Arbitrary<unknown> {
  const named = jsonObject({ type: fc.constant('function'), function: jsonObject({ name: functionName }) });
  const choices = [
    fc.constantFrom('none', 'auto', 'required'),
    named,
    jsonObject({
      type: fc.constant('allowed_tools'),
      allowed_tools: jsonObject({ mode: fc.constantFrom('auto', 'required', 'none'), tools: fc.array(named, { maxLength: 3 }) }),
    }),
  ];
  return wild ? fc.oneof(...choices, anyJson) : fc.oneof(...choices);
}

const safetySetting = jsonObject({ category: fc.constantFrom('HARM_CATEGORY_HARASSMENT', 'x'), threshold: fc.constantFrom('BLOCK_NONE', 'OFF') });

/** `extra_body.google` / top-level `google`: Google's documented compat keys, valid and not. */
function googleExtension(wild: boolean): fc.Arbitrary<unknown> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  return jsonObject({
    cached_content: maybe(pick(fc.constantFrom('cachedContents/abc', '')), 4),
    safety_settings: maybe(pick(fc.array(safetySetting, { maxLength: 2 })), 4),
    thinking_config: maybe(
      pick(
        jsonObject({
          thinking_budget: maybe(fc.oneof(fc.integer({ min: -2, max: 32_768 }), fc.double())),
          thinking_level: maybe(fc.constantFrom('minimal', 'low', 'MEDIUM', 'high', 'max')),
          include_thoughts: maybe(fc.boolean()),
          extra: maybe(fc.constant(1), 8),
        }),
      ),
      2,
    ),
    response_modalities: maybe(pick(fc.array(fc.constantFrom('TEXT', 'IMAGE', 'AUDIO', 'text', 'video'), { maxLength: 3 })), 4),
    // Unknown image_config keys go to Gemini as they are, so a deep value here reaches the upstream request.
    image_config: maybe(
      pick(jsonObject({ aspect_ratio: maybe(fc.constantFrom('16:9', '')), image_size: maybe(fc.constantFrom('1K', '4K')), deep: maybe(deepJson(), 4) })),
      4,
    ),
    unknown_key: maybe(anyJson, 6),
  });
}

const toolType = fc.oneof({ weight: 6, arbitrary: fc.constant('function') }, { weight: 1, arbitrary: fc.constantFrom('web_search', 'custom') });
const tool = (wild: boolean) => jsonObject({ type: typed(toolType, wild), function: maybe(functionDefinition(wild), 1, 10) });

const responseFormat = (wild: boolean) =>
  fc.oneof(
    jsonObject({ type: fc.constantFrom('text', 'json_object', 'xml') }),
    jsonObject({
      type: fc.constant('json_schema'),
      json_schema: typed(jsonObject({ name: maybe(text), schema: maybe(rootSchema, 1, 5), strict: maybe(fc.boolean()) }), wild),
    }),
  );

/**
 * OpenAI chat bodies. Tidy bodies use the right JSON types and are often translatable; wild ones put any JSON value in
 * any field and add roles and parameters that do not exist.
 */
export function chatBody(wild: boolean): fc.Arbitrary<Record<string, unknown>> {
  const pick = <T>(arbitrary: fc.Arbitrary<T>) => typed(arbitrary, wild);
  const rare = <T>(arbitrary: fc.Arbitrary<T>) => maybe(pick(arbitrary), 8);
  return fc
    .tuple(
      jsonObject({
        model: maybe(pick(chatModel), wild ? 1 : 0, 20),
        messages: maybe(pick(fc.array(message(wild), { minLength: wild ? 0 : 1, maxLength: 5 })), wild ? 1 : 0, 20),
        stream: maybe(pick(fc.boolean()), 3),
        stream_options: maybe(pick(jsonObject({ include_usage: maybe(pick(fc.boolean())) })), 6),
        temperature: maybe(numberIn(0, 2, false, wild), 3),
        top_p: maybe(numberIn(0, 1, false, wild), 5),
        max_tokens: maybe(numberIn(1, 65_536, true, wild), 5),
        max_completion_tokens: maybe(numberIn(1, 65_536, true, wild), 5),
        stop: maybe(pick(fc.oneof(text, fc.array(text, { maxLength: 7 }))), 4),
        n: maybe(numberIn(1, 8, true, wild), 6),
        seed: maybe(numberIn(-1_000, 1_000, true, wild), 6),
        presence_penalty: maybe(numberIn(-2, 2, false, wild), 6),
        frequency_penalty: maybe(numberIn(-2, 2, false, wild), 6),
        logprobs: maybe(pick(fc.boolean()), 5),
        top_logprobs: maybe(numberIn(0, 20, true, wild), 6),
        modalities: maybe(pick(fc.array(fc.constantFrom('text', 'image', 'audio'), { maxLength: 2 })), 8),
        tools: maybe(pick(fc.array(tool(wild), { maxLength: 3 })), 2),
        tool_choice: maybe(toolChoice(wild), 4),
        functions: maybe(pick(fc.array(functionDefinition(wild), { maxLength: 2 })), 8),
        function_call: maybe(pick(fc.oneof(fc.constantFrom('none', 'auto'), jsonObject({ name: functionName }))), 10),
        response_format: maybe(pick(responseFormat(wild)), 3),
        reasoning_effort: maybe(pick(fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max')), 4),
        audio: maybe(pick(fc.constant({ voice: 'alloy', format: 'mp3' })), 30),
        web_search_options: rare(fc.constant({})),
        extra_body: maybe(pick(jsonObject({ google: maybe(googleExtension(wild), 1, 5), other: maybe(anyJson, 3) })), 5),
        google: maybe(googleExtension(wild), 8),
        user: rare(text),
        logit_bias: rare(fc.dictionary(fc.string({ maxLength: 3 }), fc.integer())),
        metadata: rare(fc.oneof(anyJson, deepJson())),
        store: rare(fc.boolean()),
        service_tier: rare(fc.constantFrom('auto', 'default', 'flex', 'priority', 'scale')),
        parallel_tool_calls: rare(fc.boolean()),
        prediction: rare(anyJson),
        safety_identifier: rare(text),
        prompt_cache_key: rare(text),
        verbosity: rare(fc.constantFrom('low', 'high')),
      }),
      wild ? fc.dictionary(fc.string({ maxLength: 6 }), anyJson, { maxKeys: 2 }) : fc.constant({}),
    )
    .map(([known, unknown]) => ({ ...unknown, ...known }));
}
