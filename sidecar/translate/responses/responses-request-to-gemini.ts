import { InvalidRequestError, SidecarError } from '../../errors/sidecar-error';
import type { OpenAIChatMessage, OpenAIChatRequest } from '../chat-completions/openai-chat-schema';
import { openaiRequestToGemini, type TranslatedChatRequest, type TranslateOptions } from '../chat-completions/openai-request-to-gemini';
import { capabilitiesFor } from '../models/model-capabilities';
import { openaiModelToGemini } from '../model-name';
import type { OpenAIResponsesRequest, ResponsesInputItem } from './openai-responses-schema';
import { responsesInputToMessages } from './responses-input-to-messages';

/** The Gemini call a Responses request turns into. */
export interface TranslatedResponsesRequest extends TranslatedChatRequest {
  /** The conversation as Responses input items (history first), what a store keeps for the next turn. */
  input: ResponsesInputItem[];
}

// Hosted tools Gemini can run itself; every other hosted tool is refused by name.
const WEB_SEARCH = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;
const CODE_INTERPRETER = 'code_interpreter';
const LOGPROBS_INCLUDE = 'message.output_text.logprobs';

function refuse(message: string, param: string): never {
  throw new InvalidRequestError(message, param, 'unsupported_parameter');
}

/** Flat Responses tools → chat tools; hosted search and code execution become Gemini tools of their own. */
function readTools(tools: OpenAIResponsesRequest['tools']): { chat: unknown[]; webSearch: boolean; codeExecution: boolean; paths: string[] } {
  const chat: unknown[] = [];
  const paths: string[] = [];
  let webSearch = false;
  let codeExecution = false;
  (tools ?? []).forEach((tool, index) => {
    if (tool.type === 'function') {
      const { type: _type, name, description, parameters, strict } = tool as Record<string, unknown>;
      chat.push({ type: 'function', function: { name, ...(description == null ? {} : { description }), ...(parameters == null ? {} : { parameters }), ...(strict == null ? {} : { strict }) } });
      paths.push(`tools[${index}]`);
    } else if (WEB_SEARCH.test(tool.type)) webSearch = true;
    else if (tool.type === CODE_INTERPRETER) codeExecution = true;
    else refuse(`Tool type '${tool.type}' is not supported by Gemini through this sidecar.`, `tools[${index}].type`);
  });
  return { chat, webSearch, codeExecution, paths };
}

/** Responses `tool_choice` → chat `tool_choice`; choosing a hosted tool means "let the model decide". */
function readToolChoice(choice: unknown, warnings: string[]): unknown {
  if (choice == null || typeof choice === 'string') return choice;
  const value = choice as { type?: unknown; name?: unknown; mode?: unknown; tools?: unknown };
  if (value.type === 'function') return { type: 'function', function: { name: value.name } };
  if (value.type === 'allowed_tools') {
    const tools = Array.isArray(value.tools) ? value.tools : [];
    const functions = tools.filter((tool: { type?: unknown }) => tool.type === 'function').map((tool: { name?: unknown }) => ({ type: 'function', function: { name: tool.name } }));
    return { type: 'allowed_tools', allowed_tools: { mode: value.mode, tools: functions } };
  }
  warnings.push('tool_choice');
  return 'auto';
}

/** Responses `text.format` → chat `response_format` (the schema sits flat under `format` here). */
function readFormat(text: OpenAIResponsesRequest['text']): unknown {
  const format = text?.format;
  if (!format) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const { type: _type, ...jsonSchema } = format;
  return { type: 'json_schema', json_schema: jsonSchema };
}

function refuseStateful(request: OpenAIResponsesRequest): void {
  if (request.background === true) refuse('background responses are not supported: send the request without `background`, or stream it.', 'background');
  if (request.conversation != null) refuse('Conversations are not supported: continue with previous_response_id or send the history in `input`.', 'conversation');
  if (request.prompt != null) refuse('Stored prompt templates are not supported: send `instructions` and `input` instead.', 'prompt');
}

/** A chat param path (as the chat translation names it) → the Responses path the client sent. */
function responsesParam(param: string | null, sources: readonly string[], toolPaths: readonly string[]): string | null {
  if (param === null) return null;
  const message = /^messages\[(\d+)\](.*)$/.exec(param);
  if (message) return `${sources[Number(message[1])] ?? 'input'}${message[2] ?? ''}`;
  const tool = /^tools\[(\d+)\](?:\.function)?(.*)$/.exec(param);
  if (tool) return `${toolPaths[Number(tool[1])] ?? 'tools'}${tool[2] ?? ''}`;
  return param
    .replace(/^response_format\.json_schema/, 'text.format')
    .replace(/^response_format/, 'text.format')
    .replace(/^reasoning_effort/, 'reasoning.effort')
    .replace(/^max_completion_tokens/, 'max_output_tokens')
    .replace(/^web_search_options/, 'tools');
}

/**
 * Responses request (plus the stored history of `previous_response_id`) → native Gemini request. The request is read
 * into the chat shape and built by the chat translation, so parts, tools, schemas, thinking, capabilities and
 * signatures are built in one place for both APIs; params in errors and warnings are named as the client sent them.
 */
export function responsesRequestToGemini(
  request: OpenAIResponsesRequest,
  history: readonly ResponsesInputItem[],
  options: TranslateOptions,
): TranslatedResponsesRequest {
  refuseStateful(request);
  const current: ResponsesInputItem[] = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : [...(request.input ?? [])];
  const input = [...history, ...current];
  const instructions: OpenAIChatMessage[] = typeof request.instructions === 'string' && request.instructions !== '' ? [{ role: 'system', content: request.instructions }] : [];
  const instructionItems = Array.isArray(request.instructions) ? responsesInputToMessages(request.instructions as ResponsesInputItem[], 'instructions') : undefined;
  const conversation = responsesInputToMessages(input, 'input');
  const messages = [...instructions, ...(instructionItems?.messages ?? []), ...conversation.messages];
  const sources = [...instructions.map(() => 'instructions'), ...(instructionItems?.sources ?? []), ...conversation.sources];
  if (messages.length === 0) throw new InvalidRequestError("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const warnings = [...(instructionItems?.warnings ?? []), ...conversation.warnings];
  const tools = readTools(request.tools);
  const logprobs = request.include?.includes(LOGPROBS_INCLUDE) === true;
  const chat: OpenAIChatRequest = {
    model: request.model,
    messages,
    stream: request.stream === true,
    ...(tools.chat.length > 0 ? { tools: tools.chat } : {}),
    ...(request.tool_choice != null && tools.chat.length > 0 ? { tool_choice: readToolChoice(request.tool_choice, warnings) } : {}),
    ...(request.parallel_tool_calls != null && tools.chat.length > 0 ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
    ...(tools.webSearch ? { web_search_options: {} } : {}),
    ...(readFormat(request.text) ? { response_format: readFormat(request.text) } : {}),
    ...(request.text?.verbosity != null ? { verbosity: request.text.verbosity } : {}),
    ...(request.reasoning?.effort != null ? { reasoning_effort: request.reasoning.effort } : {}),
    ...(request.max_output_tokens != null ? { max_completion_tokens: request.max_output_tokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { top_p: request.top_p } : {}),
    ...(logprobs ? { logprobs: true, ...(request.top_logprobs != null ? { top_logprobs: request.top_logprobs } : {}) } : {}),
    ...(request.service_tier != null ? { service_tier: request.service_tier } : {}),
    ...(request.user != null ? { user: request.user } : {}),
    ...(request.safety_identifier != null ? { safety_identifier: request.safety_identifier } : {}),
    ...(request.prompt_cache_key != null ? { prompt_cache_key: request.prompt_cache_key } : {}),
  };
  let translated: TranslatedChatRequest;
  try {
    translated = openaiRequestToGemini(chat, options);
  } catch (error) {
    if (!(error instanceof SidecarError) || error.param === null) throw error;
    throw new InvalidRequestError(error.message, responsesParam(error.param, sources, tools.paths), error.code);
  }
  const rename = (param: string): string => responsesParam(param, sources, tools.paths) ?? param;
  const geminiRequest = translated.geminiRequest;
  if (tools.codeExecution) geminiRequest.tools = [...(geminiRequest.tools ?? []), { codeExecution: {} }];
  const summary = request.reasoning?.summary ?? request.reasoning?.generate_summary;
  if (summary != null) {
    const thinking = (options.capabilities ?? capabilitiesFor(openaiModelToGemini(request.model)).capabilities).thinking;
    const config = (geminiRequest.generationConfig ??= {});
    if (thinking.kind === 'none') warnings.push('reasoning.summary');
    else config.thinkingConfig = { ...config.thinkingConfig, includeThoughts: true };
  }
  return { ...translated, geminiRequest, warnings: [...warnings, ...translated.warnings.map(rename)], input };
}
