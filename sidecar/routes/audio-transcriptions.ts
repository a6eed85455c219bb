import type { Request, RequestHandler, Response } from 'express';
import { geminiRefusalReason } from '../audio/gemini-refusal';
import { InvalidRequestError } from '../errors/sidecar-error';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { isMultipart, readMultipart } from '../server/multipart-body';
import { SseResponse } from '../streaming/sse-response';
import { geminiTranscriptionToOpenAI, geminiUsageToTranscription } from '../translate/audio/gemini-transcription-to-openai';
import { parseTranscriptionFields, type AudioUpload } from '../translate/audio/openai-transcription-schema';
import {
  languageName,
  openaiTranscriptionToGemini,
  type TranscriptionTask,
  type TranslatedTranscriptionRequest,
} from '../translate/audio/openai-transcription-to-gemini';
import { readCandidateContent } from '../translate/chat-completions/candidate-content';
import type { GeminiGenerateContentResponse, GeminiUsage } from '../translate/chat-completions/gemini-generate-schema';
import { withResolvedModel } from './alias-notice';
import { badResponse, callGemini, safeParseGeminiResponse } from './gemini-call';
import { beginGenerateCall } from './begin-generate-call';
import { describeRequest } from './request-context';
import { tokenUsageFromGemini, type TokenUsage } from '../spend/token-usage';
import { endFailedStream } from './stream-failure';

interface Call {
  apiKey: string | undefined;
  signal: AbortSignal;
}

/** `POST /v1/audio/transcriptions` and `/v1/audio/translations` → Gemini audio understanding. */
export function audioTranscriptionsHandler(deps: AppDeps, task: TranscriptionTask): RequestHandler {
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const { fields, upload } = await readAudioForm(deps, req, res);
    const parsed = parseTranscriptionFields(fields);
    const translated = openaiTranscriptionToGemini(task, withResolvedModel(deps, parsed.request), upload);
    const { call, operation } = beginGenerateCall(deps, req, res, apiKey, {
      model: translated.model,
      requestModel: parsed.request.model,
      stream: translated.stream,
      unknownKeys: parsed.unknownKeys,
      warnings: translated.warnings,
    });
    const language = parsed.request.language ? languageName(parsed.request.language) : undefined;
    if (translated.stream) await streamTranscript(deps, res, translated, call, operation);
    else await unaryTranscript(deps, res, translated, call, operation, language);
  };
}

/** The multipart form: text fields and the one `file` part, bytes base64 for Gemini's inlineData. */
async function readAudioForm(deps: AppDeps, req: Request, res: Response): Promise<{ fields: Map<string, string[]>; upload: AudioUpload }> {
  if (!isMultipart(req)) {
    throw new InvalidRequestError('This endpoint takes multipart/form-data with the audio in a `file` part.', null, 'invalid_content_type');
  }
  const body = await readMultipart(req, res, { maxBytes: deps.config.uploads.audioMaxBytes, maxFiles: 1 });
  const file = body.files.find((candidate) => candidate.field === 'file');
  if (!file || file.data.length === 0) throw new InvalidRequestError("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  return {
    fields: body.fields,
    upload: { filename: file.filename, contentType: file.mimeType, base64: file.data.toString('base64'), bytes: file.data.length },
  };
}

async function unaryTranscript(
  deps: AppDeps,
  res: Response,
  translated: TranslatedTranscriptionRequest,
  call: Call,
  operation: GenAIOperation,
  language: string | undefined,
): Promise<void> {
  const response = safeParseGeminiResponse(await callGemini(deps, operation, () => deps.gemini.generateContent(translated.model, translated.geminiRequest, call)));
  if (!response) {
    const error = badResponse();
    operation.fail(error);
    throw error;
  }
  const text = transcriptText(response);
  const refusal = text.trim() === '' ? geminiRefusalReason(response) : undefined;
  if (refusal) {
    const error = new InvalidRequestError(`Gemini refused to transcribe the audio (${refusal}).`, 'file', 'content_policy_violation');
    operation.fail(error, billedUsage(response.usageMetadata));
    throw error;
  }
  const usage = geminiUsageToTranscription(response.usageMetadata);
  const { answer, warnings } = geminiTranscriptionToOpenAI({ task: translated.task, format: translated.format, text, usage: response.usageMetadata, ...(language ? { language } : {}) }, usage);
  if (warnings.length > 0) deps.logger.warn({ warnings, model: translated.model }, 'Gemini transcript not fully representable');
  succeed(operation, res, response, response.usageMetadata);
  if (answer.kind === 'json') res.json(answer.body);
  else res.status(200).type(answer.contentType).send(answer.body);
}

/** `stream: true`: each text delta as `transcript.text.delta`, then `transcript.text.done` with the text and usage. */
async function streamTranscript(deps: AppDeps, res: Response, translated: TranslatedTranscriptionRequest, call: Call, operation: GenAIOperation): Promise<void> {
  const chunks = await callGemini(deps, operation, () => deps.gemini.streamGenerateContent(translated.model, translated.geminiRequest, call));
  const sse = new SseResponse(res);
  sse.open();
  let text = '';
  let last: GeminiGenerateContentResponse | undefined;
  let usage: GeminiUsage | null | undefined;
  try {
    for await (const raw of chunks) {
      operation.chunk();
      const chunk = safeParseGeminiResponse(raw);
      if (!chunk) throw badResponse();
      last = chunk;
      usage = chunk.usageMetadata ?? usage;
      const delta = transcriptText(chunk);
      const refusal = text === '' && delta === '' ? geminiRefusalReason(chunk) : undefined;
      if (refusal) throw new InvalidRequestError(`Gemini refused to transcribe the audio (${refusal}).`, 'file', 'content_policy_violation');
      if (delta.length === 0) continue;
      text += delta;
      const full = sse.send({ type: 'transcript.text.delta', delta });
      if (full) await full;
    }
    await sse.send({ type: 'transcript.text.done', text: text.trim(), usage: geminiUsageToTranscription(usage) });
    if (last) succeed(operation, res, last, usage);
    sse.done();
  } catch (thrown) {
    endFailedStream(deps, res, sse, operation, thrown, { signal: call.signal, model: translated.model, usage: billedUsage(usage) });
  }
}

/** The answer's text, read once the way chat reads a candidate (thoughts left out). */
function transcriptText(response: GeminiGenerateContentResponse): string {
  const candidate = response.candidates?.[0];
  return candidate ? readCandidateContent(candidate).text : '';
}

function succeed(operation: GenAIOperation, res: Response, response: GeminiGenerateContentResponse, usage: GeminiUsage | null | undefined): void {
  const tokens = geminiUsageToTranscription(usage);
  const finishReasons = ['stop'];
  operation.succeed({ responseId: response.responseId ?? undefined, responseModel: response.modelVersion ?? undefined, finishReasons, usage: billedUsage(usage) });
  describeRequest(res, { finishReasons, usage: { prompt_tokens: tokens.input_tokens, completion_tokens: tokens.output_tokens, total_tokens: tokens.total_tokens } });
}

/** What Gemini reported it used (a refused transcript included: Gemini bills it); undefined when it reported nothing. */
function billedUsage(usage: GeminiUsage | null | undefined): TokenUsage | undefined {
  return usage ? tokenUsageFromGemini(usage) : undefined;
}
