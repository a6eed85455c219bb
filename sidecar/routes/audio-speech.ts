import type { RequestHandler, Response } from 'express';
import { atSpeechRate, geminiAudioToPcm, noAudioError, speechAudioParts } from '../audio/speech-pcm';
import { assertEncodable, SPEECH_CONTENT_TYPES, SpeechEncoder } from '../audio/speech-encoder';
import { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { SseResponse } from '../streaming/sse-response';
import { openaiSpeechToGemini, type TranslatedSpeechRequest } from '../translate/audio/openai-speech-to-gemini';
import { parseOpenAISpeechRequest } from '../translate/audio/openai-speech-schema';
import type { GeminiGenerateContentResponse } from '../translate/chat-completions/gemini-generate-schema';
import { geminiUsageToOpenAI } from '../translate/chat-completions/usage';
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

/** `POST /v1/audio/speech` → Gemini TTS: audio bytes in the asked format, or `speech.audio.*` SSE events. */
export function audioSpeechHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const parsed = parseOpenAISpeechRequest(req.body);
    const translated = openaiSpeechToGemini(withResolvedModel(deps, parsed.request));
    assertEncodable(translated.format);
    const { call, operation } = beginGenerateCall(deps, req, res, apiKey, {
      model: translated.model,
      requestModel: parsed.request.model,
      stream: translated.stream,
      unknownKeys: parsed.unknownKeys,
      warnings: translated.warnings,
    });
    if (translated.stream) await streamSpeech(deps, res, translated, call, operation);
    else await unarySpeech(deps, res, translated, call, operation);
  };
}

async function unarySpeech(deps: AppDeps, res: Response, translated: TranslatedSpeechRequest, call: Call, operation: GenAIOperation): Promise<void> {
  const raw = await callGemini(deps, operation, () => deps.gemini.generateContent(translated.model, translated.geminiRequest, call));
  const response = safeParseGeminiResponse(raw);
  const parts = response ? speechAudioParts(response) : [];
  if (!response || parts.length === 0) {
    const error = response ? noAudioError(response) : badResponse();
    operation.fail(error, billedUsage(response));
    throw error;
  }
  let audio: Buffer;
  try {
    const pcm = parts.map((part) => atSpeechRate(geminiAudioToPcm(part)));
    audio = SpeechEncoder.encodeAll(translated.format, Buffer.concat(pcm.map((slice) => slice.samples)));
  } catch (error) {
    operation.fail(error, billedUsage(response));
    throw error;
  }
  succeed(operation, res, response);
  res.status(200).type(SPEECH_CONTENT_TYPES[translated.format]!).send(audio);
}

/** SSE: each Gemini audio slice is encoded as it arrives and sent as `speech.audio.delta`; usage ends the stream. */
async function streamSpeech(deps: AppDeps, res: Response, translated: TranslatedSpeechRequest, call: Call, operation: GenAIOperation): Promise<void> {
  const chunks = await callGemini(deps, operation, () => deps.gemini.streamGenerateContent(translated.model, translated.geminiRequest, call));
  const sse = new SseResponse(res);
  sse.open();
  let encoder: SpeechEncoder | undefined;
  let last: GeminiGenerateContentResponse | undefined;
  const delta = (bytes: Buffer) => (bytes.length > 0 ? sse.send({ type: 'speech.audio.delta', audio: bytes.toString('base64') }) : undefined);
  try {
    for await (const raw of chunks) {
      operation.chunk();
      const chunk = safeParseGeminiResponse(raw);
      if (!chunk) throw badResponse();
      last = chunk.usageMetadata ? chunk : (last ?? chunk);
      for (const part of speechAudioParts(chunk)) {
        const pcm = atSpeechRate(geminiAudioToPcm(part));
        encoder ??= new SpeechEncoder(translated.format);
        await delta(encoder.push(pcm.samples));
      }
      if (!encoder && (chunk.promptFeedback?.blockReason || chunk.candidates?.[0]?.finishReason)) throw noAudioError(chunk);
    }
    if (!encoder || !last) throw noAudioError(last ?? {});
    await delta(encoder.end());
    const usage = geminiUsageToOpenAI(last.usageMetadata);
    await sse.send({ type: 'speech.audio.done', usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens } });
    succeed(operation, res, last);
    sse.end();
  } catch (thrown) {
    endFailedStream(deps, res, sse, operation, thrown, { signal: call.signal, model: translated.model, usage: billedUsage(last) });
  }
}

function succeed(operation: GenAIOperation, res: Response, response: GeminiGenerateContentResponse): void {
  const usage = geminiUsageToOpenAI(response.usageMetadata);
  const finishReasons = ['stop'];
  operation.succeed({ responseId: response.responseId ?? undefined, responseModel: response.modelVersion ?? undefined, finishReasons, usage: billedUsage(response) });
  describeRequest(res, { finishReasons, usage });
}

/** What Gemini reported it used (billed even when no audio came back); undefined when it reported nothing. */
function billedUsage(response: GeminiGenerateContentResponse | undefined): TokenUsage | undefined {
  return response?.usageMetadata ? tokenUsageFromGemini(response.usageMetadata) : undefined;
}
