import { InvalidRequestError } from '../errors/sidecar-error';
import type { SpeechFormat } from '../translate/audio/openai-speech-schema';
import { FlacEncoder } from './flac-writer';
import { OggOpusEncoder } from './ogg-opus-writer';
import { loadLamejs, type LameEncoder } from './load-lamejs';
import { SPEECH_SAMPLE_RATE, wavHeader } from './speech-pcm';

/** The formats this sidecar can produce; aac has no encoder that installs without native code. */
export const ENCODABLE_SPEECH_FORMATS: readonly SpeechFormat[] = ['mp3', 'opus', 'wav', 'flac', 'pcm'];

/** Content-Type of each format, as OpenAI answers them. */
export const SPEECH_CONTENT_TYPES: Readonly<Record<string, string>> = { mp3: 'audio/mpeg', opus: 'audio/ogg; codecs=opus', wav: 'audio/wav', flac: 'audio/flac', pcm: 'audio/pcm' };

/** 64 kbit/s MPEG-2 Layer III at 24 kHz mono: speech quality, as OpenAI's tts-1 mp3. */
const MP3_KBPS = 64;
/** lamejs encodes whole 1152-sample frames; bigger slices are fine, this bounds each call. */
const MP3_SLICE_SAMPLES = 1152 * 20;

/** Refuses a format the sidecar cannot encode, naming what it can (before Gemini is called). */
export function assertEncodable(format: SpeechFormat): void {
  if (ENCODABLE_SPEECH_FORMATS.includes(format)) return;
  throw new InvalidRequestError(
    `response_format '${format}' is not supported by this sidecar (no encoder for it without native binaries). Supported: ${ENCODABLE_SPEECH_FORMATS.join(', ')}.`,
    'response_format',
    'unsupported_value',
  );
}

/** Turns PCM slices into one format's bytes as they come; `streamed` WAV gets the unknown-length header. */
export class SpeechEncoder {
  private mp3: LameEncoder | undefined;
  private flac: FlacEncoder | undefined;
  private opus: OggOpusEncoder | undefined;
  private headerSent = false;
  private carry = Buffer.alloc(0);

  constructor(
    private readonly format: SpeechFormat,
    private readonly sampleRate = SPEECH_SAMPLE_RATE,
  ) {
    assertEncodable(format);
  }

  /** Encodes a whole answer at once (a WAV gets its exact length). */
  static encodeAll(format: SpeechFormat, pcm: Buffer, sampleRate = SPEECH_SAMPLE_RATE): Buffer {
    if (format === 'wav') return Buffer.concat([wavHeader(pcm.length, sampleRate), pcm]);
    if (format === 'flac') return FlacEncoder.encodeAll(pcm, sampleRate);
    const encoder = new SpeechEncoder(format, sampleRate);
    return Buffer.concat([encoder.push(pcm), encoder.end()]);
  }

  /** The bytes for the next PCM slice (possibly empty). */
  push(pcm: Buffer): Buffer {
    switch (this.format) {
      case 'pcm':
        return pcm;
      case 'wav':
        if (this.headerSent) return pcm;
        this.headerSent = true;
        return Buffer.concat([wavHeader(0xffffffff, this.sampleRate), pcm]);
      case 'flac':
        this.flac ??= new FlacEncoder(this.sampleRate);
        return this.flac.push(pcm);
      case 'opus':
        this.opus ??= new OggOpusEncoder(this.sampleRate);
        return this.opus.push(pcm);
      default:
        return this.encodeMp3(pcm);
    }
  }

  /** The bytes that finish the stream (the last MP3, FLAC or Opus frames). */
  end(): Buffer {
    if (this.format === 'flac') {
      this.flac ??= new FlacEncoder(this.sampleRate);
      return this.flac.end();
    }
    if (this.format === 'opus') {
      this.opus ??= new OggOpusEncoder(this.sampleRate);
      return this.opus.end();
    }
    if (this.format !== 'mp3') return this.format === 'wav' && !this.headerSent ? this.push(Buffer.alloc(0)) : Buffer.alloc(0);
    const encoder = this.encoder();
    return Buffer.from(encoder.flush());
  }

  private encodeMp3(pcm: Buffer): Buffer {
    // A slice may end mid-sample; the odd byte waits for the next slice.
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, pcm]) : pcm;
    const whole = bytes.length - (bytes.length % 2);
    this.carry = Buffer.from(bytes.subarray(whole));
    const samples = new Int16Array(whole / 2);
    for (let index = 0; index < samples.length; index++) samples[index] = bytes.readInt16LE(index * 2);
    const out: Buffer[] = [];
    for (let start = 0; start < samples.length; start += MP3_SLICE_SAMPLES) {
      out.push(Buffer.from(this.encoder().encodeBuffer(samples.subarray(start, start + MP3_SLICE_SAMPLES))));
    }
    return Buffer.concat(out);
  }

  private encoder(): LameEncoder {
    this.mp3 ??= new (loadLamejs().Mp3Encoder)(1, this.sampleRate, MP3_KBPS);
    return this.mp3;
  }
}
