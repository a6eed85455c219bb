import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** What decode-mp3.mjs reports about an MP3 stream. */
export interface DecodedMp3 {
  sampleRate: number;
  samplesDecoded: number;
  channels: number;
  errors: number;
  /** Zero-crossing frequency of the middle half of the first channel, in Hz. */
  frequency: number;
  rms: number;
}

/** Decodes MP3 with a real decoder (mpg123 compiled to WASM) in a child Node process. */
export function decodeMp3(bytes: Buffer): Promise<DecodedMp3> {
  return new Promise((done, fail) => {
    const child = execFile(process.execPath, [resolve(__dirname, 'decode-mp3-child.mjs')], { encoding: 'buffer', maxBuffer: 1 << 20 }, (error, stdout) =>
      error ? fail(error) : done(JSON.parse(stdout.toString('utf8')) as DecodedMp3),
    );
    child.stdin!.end(bytes);
  });
}
