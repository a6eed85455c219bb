import type { OpenAIResponsesRequest } from './openai-responses-schema';
import type { OutputItem, ResponseEnding, ResponsesUsage } from './responses-output';

/** Per-response facts the object needs besides the request. */
export interface ResponseContext {
  id: string;
  createdAt: number;
  /** The model name as the client sent it. */
  model: string;
  /** What `store` ends up meaning: false when the sidecar has no store, whatever the request asked. */
  stored: boolean;
}

/** The `response` object: status, output and usage, plus the request's settings echoed the way OpenAI echoes them. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  completed_at?: number;
  error: { code: string; message: string } | null;
  incomplete_details: ResponseEnding['incomplete_details'];
  output: OutputItem[];
  usage: ResponsesUsage | null;
  [echoed: string]: unknown;
}

/** The request's settings, defaults filled in as OpenAI does (temperature 1, top_p 1, tool_choice auto …). */
export function echoSettings(request: OpenAIResponsesRequest, context: ResponseContext): Record<string, unknown> {
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    model: context.model,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? request.reasoning?.generate_summary ?? null },
    service_tier: request.service_tier ?? 'default',
    store: context.stored,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: request.text?.verbosity ?? 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    user: request.user ?? null,
    metadata: request.metadata ?? {},
    background: false,
  };
}

/** One state of the response object (created / in progress / final). */
export function responseObject(
  settings: Record<string, unknown>,
  context: ResponseContext,
  state: { status: ResponseObject['status']; output: OutputItem[]; usage: ResponsesUsage | null; ending?: ResponseEnding; error?: ResponseObject['error']; completedAt?: number },
): ResponseObject {
  return {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status: state.status,
    ...(state.status === 'completed' && state.completedAt !== undefined ? { completed_at: state.completedAt } : {}),
    error: state.error ?? null,
    incomplete_details: state.ending?.incomplete_details ?? null,
    ...settings,
    output: state.output,
    usage: state.usage,
  };
}
