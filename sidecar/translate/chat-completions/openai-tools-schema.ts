import { z } from 'zod';

/**
 * Gemini's `FunctionDeclaration.name` rule: "Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or
 * contain underscores, dots, colons and dashes, with a maximum length of 128" (https://ai.google.dev/api/caching#FunctionDeclaration).
 */
export const GEMINI_FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/** "Maximum 512 function declarations can be provided" (same reference, `Tool.functionDeclarations`). */
export const MAX_FUNCTION_DECLARATIONS = 512;

/** One `tools[]` entry; only `type` is checked first so that other tool types get their own 400. */
export const openAIToolSchema = z.looseObject({ type: z.string(), function: z.unknown().optional() });

/** `tools[].function`, and an entry of the deprecated `functions[]`. */
export const openAIFunctionSchema = z.looseObject({
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const namedFunctionSchema = z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) });

/** `tool_choice`: a mode, one named function, or an `allowed_tools` subset. */
export const openAIToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  namedFunctionSchema,
  z.object({
    type: z.literal('allowed_tools'),
    allowed_tools: z.object({ mode: z.enum(['auto', 'required']), tools: z.array(namedFunctionSchema).min(1) }),
  }),
]);

/** The deprecated `function_call`: a mode or one named function. */
export const openAIFunctionCallSchema = z.union([z.enum(['none', 'auto']), z.object({ name: z.string() })]);

/** A validated `tool_choice`. */
export type OpenAIToolChoice = z.infer<typeof openAIToolChoiceSchema>;
/** A validated function definition. */
export type OpenAIFunction = z.infer<typeof openAIFunctionSchema>;

