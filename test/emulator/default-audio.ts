import { field, isRecord, recordField, type JsonObject } from './request-fields';
import type { EmulatorGenerateRequest } from './validate-generate-request';

/** The seconds of an audio blob: exact for WAV (its header's byte rate), else at an assumed 128 kbit/s. */
export function audioSeconds(bytes: Buffer): number {
  if (bytes.length >= 44 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WAVE') {
    const byteRate = bytes.readUInt32LE(28);
    if (byteRate > 0) return Number(((bytes.length - 44) / byteRate).toFixed(3));
  }
  return Number((bytes.length / 16_000).toFixed(3));
}

/** What the emulator hears in an audio blob: a sentence naming its length and type (the emulator's "speech"). */
export function heardSentence(mimeType: string, seconds: number): string {
  return `I heard ${seconds} seconds of ${mimeType} audio.`;
}

function audioPart(request: EmulatorGenerateRequest): { mimeType: string; seconds: number } | undefined {
  const last = request.contents.at(-1);
  if (!last || last.role === 'model') return undefined;
  for (const part of last.parts) {
    const inline = recordField(part, 'inlineData');
    const mimeType = inline ? field(inline, 'mimeType') : undefined;
    const data = inline ? field(inline, 'data') : undefined;
    if (typeof mimeType === 'string' && /^(audio|video)\//.test(mimeType) && typeof data === 'string') {
      return { mimeType, seconds: audioSeconds(Buffer.from(data, 'base64')) };
    }
  }
  return undefined;
}

function schemaProperties(config: JsonObject | undefined): JsonObject | undefined {
  if (!config) return undefined;
  const schema = recordField(config, 'responseJsonSchema') ?? recordField(config, 'responseSchema');
  const properties = schema ? recordField(schema, 'properties') : undefined;
  return properties && isRecord(properties) ? properties : undefined;
}

/**
 * Audio understanding as the emulator answers it: the heard sentence (prefixed "In English:" when asked to translate),
 * or, when a JSON schema asks for `segments`, that sentence as two timed halves over the audio's length (plus `words`
 * when asked), as Google's audio guide shows a model answering. Undefined when the turn carries no audio.
 */
export function audioAnswer(request: EmulatorGenerateRequest): string | undefined {
  const audio = audioPart(request);
  if (!audio) return undefined;
  const instruction = request.contents.at(-1)!.parts.flatMap((part) => (typeof part.text === 'string' ? [part.text] : [])).join('\n');
  const translate = /\btranslat/i.test(instruction);
  const sentence = `${translate ? 'In English: ' : ''}${heardSentence(audio.mimeType, audio.seconds)}`;
  const properties = schemaProperties(request.generationConfig);
  if (!properties || !('segments' in properties)) return sentence;
  const words = sentence.split(' ');
  const middle = Math.ceil(words.length / 2);
  const half = Number((audio.seconds / 2).toFixed(3));
  const perWord = audio.seconds / words.length;
  return JSON.stringify({
    language: 'english',
    segments: [
      { start: 0, end: half, text: words.slice(0, middle).join(' ') },
      { start: half, end: audio.seconds, text: words.slice(middle).join(' ') },
    ],
    ...('words' in properties ? { words: words.map((word, index) => ({ word, start: Number((index * perWord).toFixed(3)), end: Number(((index + 1) * perWord).toFixed(3)) })) } : {}),
  });
}
