import type { GeminiGenerateContentRequest } from '../chat-completions/gemini-generate-schema';
import type { OpenAISpeechRequest, SpeechFormat } from './openai-speech-schema';
import { openaiVoiceToGemini } from './speech-voices';

/** The Gemini call a speech request becomes. */
export interface TranslatedSpeechRequest {
  model: string;
  voice: string;
  format: SpeechFormat;
  stream: boolean;
  geminiRequest: GeminiGenerateContentRequest;
  warnings: string[];
}

/**
 * OpenAI speech → Gemini TTS (https://ai.google.dev/gemini-api/docs/speech-generation). Gemini TTS has no style or
 * speed parameter: both become director's notes in the prompt, the structure Google's guide uses, so the model reads
 * only the transcript aloud. Without either, the input goes as it is.
 */
export function openaiSpeechToGemini(request: OpenAISpeechRequest): TranslatedSpeechRequest {
  const voice = openaiVoiceToGemini(request.voice);
  const notes = [
    ...(request.instructions?.trim() ? [request.instructions.trim()] : []),
    ...(request.speed != null && request.speed !== 1 ? [speedNote(request.speed)] : []),
  ];
  const text = notes.length === 0 ? request.input : `### DIRECTOR'S NOTES\n${notes.join('\n')}\n\n### TRANSCRIPT\n${request.input}`;
  const warnings: string[] = [];
  if (request.extra_body != null) warnings.push('extra_body');
  if (request.google != null) warnings.push('google');
  return {
    model: request.model,
    voice,
    format: request.response_format ?? 'mp3',
    stream: request.stream_format === 'sse',
    geminiRequest: {
      contents: [{ role: 'user', parts: [{ text }] }],
      generationConfig: {
        responseModalities: ['AUDIO'],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: voice } } },
      },
    },
    warnings,
  };
}

function speedNote(speed: number): string {
  const pace = speed < 1 ? 'slower' : 'faster';
  return `Pace: speak ${pace} than normal, at about ${speed} times the normal speaking rate.`;
}
