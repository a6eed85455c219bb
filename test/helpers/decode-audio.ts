import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** What decode-audio-child.mjs reports about an audio stream. */
export interface DecodedAudio {
  sampleRate: number;
  samplesDecoded: number;
  channels: number;
  errors: number;
  /** Zero-crossing frequency of the middle half of the first channel, in Hz. */
  frequency: number;
  rms: number;
  /** SHA-256 of the first channel as s16le. */
  pcmSha256: string;
}

/** Decodes MP3 (mpg123), FLAC or Ogg Opus (libopus) with real WASM decoders in a child Node process. */
export function decodeAudio(bytes: Buffer, format: 'mp3' | 'flac' | 'opus' = 'mp3'): Promise<DecodedAudio> {
  return new Promise((done, fail) => {
    const child = execFile(process.execPath, [resolve(__dirname, 'decode-audio-child.mjs'), format], { encoding: 'buffer', maxBuffer: 1 << 20 }, (error, stdout) =>
      error ? fail(error) : done(JSON.parse(stdout.toString('utf8')) as DecodedAudio),
    );
    child.stdin!.end(bytes);
  });
}

/** Decodes MP3 with mpg123. */
export function decodeMp3(bytes: Buffer): Promise<DecodedAudio> {
  return decodeAudio(bytes, 'mp3');
}
