import { createHash } from 'node:crypto';
import { googleError, type GoogleErrorReply } from './google-error';
import { newResponseId, tokenCount } from './default-plan';
import { field, recordField } from './request-fields';
import type { EmulatorGenerateRequest } from './validate-generate-request';

type Json = Record<string, unknown>;

/** Gemini TTS's 24 kHz mono s16le (https://ai.google.dev/gemini-api/docs/speech-generation). */
export const TTS_SAMPLE_RATE = 24_000;
/** The emulated voice speaks one character per 50 ms, at least half a second. */
export const SECONDS_PER_CHARACTER = 0.05;
/** Audio tokens Gemini bills per second of TTS output (25 tokens/s, as for audio input). */
const AUDIO_TOKENS_PER_SECOND = 25;

const VOICES = new Set([
  'Zephyr', 'Puck', 'Charon', 'Kore', 'Fenrir', 'Leda', 'Orus', 'Aoede', 'Callirrhoe', 'Autonoe', 'Enceladus', 'Iapetus', 'Umbriel', 'Algieba', 'Despina',
  'Erinome', 'Algenib', 'Rasalgethi', 'Laomedeia', 'Achernar', 'Alnilam', 'Schedar', 'Gacrux', 'Pulcherrima', 'Achird', 'Zubenelgenubi', 'Vindemiatrix',
  'Sadachbia', 'Sadaltager', 'Sulafat',
]);

/** Gemini 3.8 TTS answers unary calls with a WAV file, earlier models (and every stream) with raw L16. */
export function answersWav(model: string): boolean {
  return /^gemini-3\.8-/.test(model);
}

/** The tone the emulator speaks: a sine whose pitch depends on the voice, as long as the text deserves. */
export function speechTone(text: string, voice: string): Buffer {
  const seconds = Math.max(0.5, text.length * SECONDS_PER_CHARACTER);
  const samples = Math.round(seconds * TTS_SAMPLE_RATE);
  const frequency = 200 + (createHash('sha256').update(voice).digest().readUInt16BE(0) % 400);
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) {
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * frequency * index) / TTS_SAMPLE_RATE)), index * 2);
  }
  return pcm;
}

function wav(pcm: Buffer): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(TTS_SAMPLE_RATE, 24);
  header.writeUInt32LE(TTS_SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** What a TTS model is asked to say and in which voice, or Google's error for a request it refuses. */
export function planSpeech(request: EmulatorGenerateRequest): { text: string; voice: string } | GoogleErrorReply {
  const modalities = field(request.generationConfig, 'responseModalities');
  if (!Array.isArray(modalities) || !modalities.map((modality) => String(modality).toUpperCase()).includes('AUDIO')) {
    // TTS models answer only audio; seen wording on a text request to a -tts model.
    return googleError(400, 'INVALID_ARGUMENT', 'The requested combination of response modalities (TEXT) is not supported by the model.');
  }
  const voiceConfig = recordField(recordField(recordField(request.generationConfig, 'speechConfig') ?? {}, 'voiceConfig') ?? {}, 'prebuiltVoiceConfig');
  const voice = String(field(voiceConfig ?? {}, 'voiceName') ?? 'Kore');
  if (!VOICES.has(voice)) return googleError(400, 'INVALID_ARGUMENT', `Voice ${voice} is not supported.`);
  const text = request.contents.flatMap((content) => content.parts.flatMap((part) => (typeof part.text === 'string' ? [part.text] : []))).join('');
  return { text, voice };
}

function usage(text: string, seconds: number): Json {
  const prompt = Math.max(1, tokenCount(text));
  const audio = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: audio,
    totalTokenCount: prompt + audio,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: audio }],
  };
}

function audioResponse(model: string, responseId: string, data: Buffer, mimeType: string, extra: Json): Json {
  return {
    candidates: [{ content: { parts: [{ inlineData: { mimeType, data: data.toString('base64') } }], role: 'model' }, index: 0, ...extra }],
    modelVersion: model,
    responseId,
  };
}

/** A prompt the emulator refuses to speak (`[block]` in the text), as Gemini reports a blocked prompt. */
function blockedSpeech(model: string, speech: { text: string }): Json | undefined {
  if (!speech.text.includes('[block]')) return undefined;
  const prompt = Math.max(1, tokenCount(speech.text));
  return { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt }, modelVersion: model, responseId: newResponseId() };
}

/** The unary TTS answer: one audio part (WAV on 3.8, raw L16 before), STOP, audio-token usage. */
export function speechResponse(model: string, speech: { text: string; voice: string }): Json {
  const blocked = blockedSpeech(model, speech);
  if (blocked) return blocked;
  const pcm = speechTone(speech.text, speech.voice);
  const seconds = pcm.length / 2 / TTS_SAMPLE_RATE;
  const [data, mimeType] = answersWav(model) ? [wav(pcm), 'audio/wav'] : [pcm, `audio/L16;codec=pcm;rate=${TTS_SAMPLE_RATE}`];
  return { ...audioResponse(model, newResponseId(), data, mimeType, { finishReason: 'STOP' }), usageMetadata: usage(speech.text, seconds) };
}

/** The streamed TTS answer: raw L16 in slices of about half a second, STOP and usage on the last. */
export function speechChunks(model: string, speech: { text: string; voice: string }): Json[] {
  const blocked = blockedSpeech(model, speech);
  if (blocked) return [blocked];
  const pcm = speechTone(speech.text, speech.voice);
  const slice = TTS_SAMPLE_RATE; // bytes: 0.5 s of 16-bit samples
  const responseId = newResponseId();
  const chunks: Json[] = [];
  for (let start = 0; start < pcm.length; start += slice) {
    const last = start + slice >= pcm.length;
    const sent = Math.min(pcm.length, start + slice) / 2 / TTS_SAMPLE_RATE;
    chunks.push({
      ...audioResponse(model, responseId, pcm.subarray(start, start + slice), `audio/L16;codec=pcm;rate=${TTS_SAMPLE_RATE}`, last ? { finishReason: 'STOP' } : {}),
      usageMetadata: usage(speech.text, sent),
    });
  }
  return chunks;
}
