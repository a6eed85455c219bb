import { InvalidRequestError, UpstreamError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { readCandidateContent, type CandidateImage } from '../translate/chat-completions/candidate-content';
import type { GeminiGenerateContentResponse } from '../translate/chat-completions/gemini-generate-schema';
import { geminiRefusalReason } from './gemini-refusal';

/** What OpenAI's `pcm` is and what Gemini TTS sends: 24 kHz, mono, signed 16-bit little-endian. */
export const SPEECH_SAMPLE_RATE = 24_000;

/** Raw samples and their rate. */
export interface Pcm {
  samples: Buffer;
  sampleRate: number;
}

/**
 * The PCM inside one Gemini audio part. Gemini 2.5 / 3.1 TTS send raw L16 (`audio/L16;codec=pcm;rate=24000`), 3.8 sends
 * a WAV file when not streaming (https://ai.google.dev/gemini-api/docs/speech-generation): the RIFF header is sniffed,
 * never assumed, so neither is wrapped twice nor stripped blindly.
 */
export function geminiAudioToPcm(part: CandidateImage): Pcm {
  const bytes = Buffer.from(part.data, 'base64');
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WAVE') return wavToPcm(bytes);
  const rate = /rate=(\d+)/i.exec(part.mimeType)?.[1];
  if (!/^audio\/(l16|pcm)/i.test(part.mimeType)) {
    throw new UpstreamUnreachableError(`Gemini answered with audio of type ${part.mimeType}, which the sidecar cannot convert.`, 'upstream_bad_response');
  }
  return { samples: bytes, sampleRate: rate ? Number(rate) : SPEECH_SAMPLE_RATE };
}

function wavToPcm(bytes: Buffer): Pcm {
  let offset = 12;
  let sampleRate = SPEECH_SAMPLE_RATE;
  while (offset + 8 <= bytes.length) {
    const id = bytes.subarray(offset, offset + 4).toString('latin1');
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= bytes.length) {
      const format = bytes.readUInt16LE(offset + 8);
      const channels = bytes.readUInt16LE(offset + 10);
      const bits = bytes.readUInt16LE(offset + 22);
      if (format !== 1 || channels !== 1 || bits !== 16) {
        throw new UpstreamUnreachableError(`Gemini answered with WAV audio the sidecar cannot convert (format ${format}, ${channels} channels, ${bits} bits).`, 'upstream_bad_response');
      }
      sampleRate = bytes.readUInt32LE(offset + 12);
    }
    // 0xFFFFFFFF (streamed WAV of unknown length) means "to the end".
    if (id === 'data') return { samples: bytes.subarray(offset + 8, size === 0xffffffff ? bytes.length : Math.min(bytes.length, offset + 8 + size)), sampleRate };
    offset += 8 + size + (size % 2);
  }
  throw new UpstreamUnreachableError('Gemini answered with a WAV file without a data chunk.', 'upstream_bad_response');
}

/** A 44-byte RIFF header for mono s16le PCM; `dataBytes` 0xFFFFFFFF marks a stream of unknown length. */
export function wavHeader(dataBytes: number, sampleRate = SPEECH_SAMPLE_RATE): Buffer {
  const header = Buffer.alloc(44);
  const unknown = dataBytes === 0xffffffff;
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(unknown ? 0xffffffff : 36 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** The audio parts of a TTS answer (first candidate), read the way chat reads every candidate. */
export function speechAudioParts(response: GeminiGenerateContentResponse): CandidateImage[] {
  const candidate = response.candidates?.[0];
  if (!candidate) return [];
  return readCandidateContent(candidate).images.filter((part) => part.mimeType.toLowerCase().startsWith('audio/'));
}

/** Why a TTS answer carried no audio: a refusal is the caller's 400, anything else Gemini's 502. */
export function noAudioError(response: GeminiGenerateContentResponse): Error {
  const refusal = geminiRefusalReason(response);
  if (refusal) return new InvalidRequestError(`Gemini refused to speak the input (${refusal}).`, 'input', 'content_policy_violation');
  const reason = response.candidates?.[0]?.finishReason ?? 'no candidates';
  return new UpstreamError(`Gemini returned no audio (${reason}).`, { status: 502, type: 'api_error', code: 'upstream_no_audio' });
}

/**
 * PCM at OpenAI's 24 kHz: Gemini TTS answers 24 kHz, but a model (or a responseFormat) with another rate is resampled
 * linearly rather than passed on at the wrong speed. Each slice is resampled on its own (streams join at slice edges).
 */
export function atSpeechRate(pcm: Pcm): Pcm {
  if (pcm.sampleRate === SPEECH_SAMPLE_RATE || pcm.sampleRate <= 0) return pcm;
  const input = Math.floor(pcm.samples.length / 2);
  const output = Math.round((input * SPEECH_SAMPLE_RATE) / pcm.sampleRate);
  const samples = Buffer.alloc(output * 2);
  for (let index = 0; index < output; index++) {
    const position = (index * pcm.sampleRate) / SPEECH_SAMPLE_RATE;
    const left = Math.min(input - 1, Math.floor(position));
    const right = Math.min(input - 1, left + 1);
    const fraction = position - left;
    const value = pcm.samples.readInt16LE(left * 2) * (1 - fraction) + pcm.samples.readInt16LE(right * 2) * fraction;
    samples.writeInt16LE(Math.round(value), index * 2);
  }
  return { samples, sampleRate: SPEECH_SAMPLE_RATE };
}
