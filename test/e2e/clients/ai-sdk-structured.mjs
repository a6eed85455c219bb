// Runs the Vercel AI SDK (ESM-only, so outside jest's CommonJS) against a sidecar: generateObject, streamObject and
// generateText with Output.object through @ai-sdk/openai's chat-completions model. Prints one JSON line per call.
import process from 'node:process';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, Output, streamObject } from 'ai';
import { z } from 'zod';

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const [baseURL, model] = process.argv.slice(2);
const openai = createOpenAI({ baseURL, apiKey: 'ai-sdk-key' });
const chat = openai.chat(model);

const recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(12),
  vegetarian: z.boolean(),
  course: z.enum(['starter', 'main', 'dessert']),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number() })).min(1),
});

const generated = await generateObject({ model: chat, schema: recipe, prompt: 'A lasagna recipe', maxRetries: 0 });
print({ call: 'generateObject', object: generated.object, finishReason: generated.finishReason, usage: generated.usage });

const streamed = streamObject({ model: chat, schema: recipe, prompt: 'A soup recipe', maxRetries: 0 });
let partials = 0;
for await (const _partial of streamed.partialObjectStream) partials += 1;
print({ call: 'streamObject', object: await streamed.object, partials });

const text = await generateText({ model: chat, output: Output.object({ schema: recipe }), prompt: 'A cake recipe', maxRetries: 0 });
print({ call: 'generateText+Output.object', object: text.output });
