import { InvalidRequestError } from '../../errors/sidecar-error';
import type { OpenAIChatMessage } from '../chat-completions/openai-chat-schema';
import type { ResponsesInputItem } from './openai-responses-schema';
import { decodeSignatures, type TurnSignatures } from './signature-carrier';

type ContentPart = Record<string, unknown> & { type: string };

/** Chat messages for a Responses `input`, and where each message came from (for error params and warnings). */
export interface InputMessages {
  messages: OpenAIChatMessage[];
  /** `messages[i]` → the input path it was built from (`input[3]`). */
  sources: string[];
  warnings: string[];
}

// History of hosted tools Gemini ran itself: nothing to send back (search results are not replayable).
const HOSTED_HISTORY = new Set(['web_search_call', 'code_interpreter_call']);

function refuse(message: string, param: string): never {
  throw new InvalidRequestError(message, param, 'unsupported_parameter');
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Responses content parts → chat content parts (input_text, input_image, input_file, input_audio, output_text, refusal). */
function contentParts(content: unknown, path: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidRequestError(`'${path}' must be a string or an array of content parts.`, path, 'invalid_value');
  return content.map((raw, index): ContentPart => {
    const part = record(raw);
    const param = `${path}[${index}]`;
    switch (part.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        return { type: 'text', text: typeof part.text === 'string' ? part.text : '' };
      case 'refusal':
        return { type: 'text', text: typeof part.refusal === 'string' ? part.refusal : '' };
      case 'input_image': {
        const url = typeof part.image_url === 'string' ? part.image_url : typeof part.file_id === 'string' ? part.file_id : undefined;
        if (!url) throw new InvalidRequestError('An input_image part needs `image_url` or `file_id`.', param, 'missing_required_parameter');
        // `original` is Responses-only; Gemini's finest resolution is what `high` asks for.
        const detail = part.detail === 'original' ? 'high' : part.detail;
        return { type: 'image_url', image_url: { url, ...(typeof detail === 'string' ? { detail } : {}) } };
      }
      case 'input_file': {
        const file: Record<string, unknown> = {};
        if (typeof part.file_data === 'string') file.file_data = part.file_data;
        if (typeof part.file_id === 'string') file.file_id = part.file_id;
        else if (typeof part.file_url === 'string') file.file_id = part.file_url;
        if (typeof part.filename === 'string') file.filename = part.filename;
        return { type: 'file', file };
      }
      case 'input_audio':
        return { type: 'input_audio', input_audio: part.input_audio ?? { data: part.data, format: part.format } };
      default:
        return refuse(`Content part type '${String(part.type)}' is not supported.`, `${param}.type`);
    }
  });
}

function argumentsString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? {});
}

/** `function_call_output.output`: a string, or input parts (text and images) the tool returned. */
function toolOutput(output: unknown, path: string): string | ContentPart[] {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return contentParts(output, path);
  return JSON.stringify(output ?? '');
}

/**
 * Responses `input` (history included) → chat messages, which the chat translation then turns into Gemini contents:
 * one place builds parts, tools and signatures for both APIs. Consecutive `function_call` items (and the assistant
 * text before them) become one assistant message, as Gemini wants all calls of a step in one model turn. A reasoning
 * item's signatures (see signature-carrier.ts) go back onto the call with the same `call_id` and onto the assistant
 * message of the same turn.
 */
export function responsesInputToMessages(items: readonly ResponsesInputItem[], basePath = 'input'): InputMessages {
  const messages: OpenAIChatMessage[] = [];
  const sources: string[] = [];
  const warnings: string[] = [];
  let turn: { message?: OpenAIChatMessage; signatures: TurnSignatures[] } = { signatures: [] };

  const closeTurn = (): void => {
    const text = turn.signatures.find((signatures) => signatures.text)?.text;
    const calls = Object.assign({}, ...turn.signatures.map((signatures) => signatures.calls ?? {})) as Record<string, string>;
    const message = turn.message;
    if (message) {
      if (text && !message.tool_calls?.length) message.extra_content = { google: { thought_signature: text } };
      for (const call of message.tool_calls ?? []) {
        const signature = calls[call.id];
        if (signature) call.extra_content = { google: { thought_signature: signature } };
      }
    }
    turn = { signatures: [] };
  };
  const assistant = (path: string): OpenAIChatMessage => {
    if (!turn.message) {
      turn.message = { role: 'assistant', content: null };
      messages.push(turn.message);
      sources.push(path);
    }
    return turn.message;
  };

  items.forEach((item, index) => {
    const path = `${basePath}[${index}]`;
    const type = item.type ?? (item.role ? 'message' : undefined);
    switch (type) {
      case 'message': {
        if (item.role === 'assistant') {
          const message = assistant(path);
          const content = contentParts(item.content, `${path}.content`);
          const text = typeof content === 'string' ? content : content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
          message.content = `${typeof message.content === 'string' ? message.content : ''}${text}`;
          return;
        }
        if (item.role !== 'user' && item.role !== 'system' && item.role !== 'developer') {
          throw new InvalidRequestError(`Invalid role '${String(item.role)}'.`, `${path}.role`, 'invalid_value');
        }
        closeTurn();
        messages.push({ role: item.role, content: contentParts(item.content, `${path}.content`) as OpenAIChatMessage['content'] });
        sources.push(path);
        return;
      }
      case 'function_call': {
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string') {
          throw new InvalidRequestError('A function_call item needs `call_id` and `name`.', path, 'missing_required_parameter');
        }
        const message = assistant(path);
        message.tool_calls = [...(message.tool_calls ?? []), { id: item.call_id, type: 'function', function: { name: item.name, arguments: argumentsString(item.arguments) } }];
        return;
      }
      case 'function_call_output': {
        if (typeof item.call_id !== 'string') throw new InvalidRequestError('A function_call_output item needs `call_id`.', `${path}.call_id`, 'missing_required_parameter');
        closeTurn();
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: toolOutput(item.output, `${path}.output`) as OpenAIChatMessage['content'] });
        sources.push(path);
        return;
      }
      case 'reasoning': {
        const signatures = decodeSignatures(item.encrypted_content);
        // Summaries are the model's own notes: Gemini takes thoughts back only as signatures.
        if (signatures) turn.signatures.push(signatures);
        return;
      }
      case 'item_reference':
        return refuse(
          'item_reference is not supported: send the item itself, or continue with previous_response_id (needs a response store).',
          `${path}.type`,
        );
      default:
        if (type && HOSTED_HISTORY.has(type)) {
          warnings.push(`${path}.type`);
          return;
        }
        return refuse(`Input item type '${String(type)}' is not supported.`, `${path}.type`);
    }
  });
  closeTurn();
  return { messages, sources, warnings };
}
