// Decodes MP3 (mpg123-decoder), FLAC (@wasm-audio-decoders/flac) or Ogg Opus (ogg-opus-decoder) bytes from stdin with a real decoder compiled to
// WASM, and prints what a listener would check: sample rate, decoded samples, decoder errors, the zero-crossing
// frequency and RMS of the first channel, and the SHA-256 of that channel as s16le (lossless formats compare exactly).
// Run as a child process (argv[2] = mp3 | flac | opus): the decoders are ES modules, which jest's CommonJS runtime cannot load.
import { createHash } from 'node:crypto';
import { MPEGDecoder } from 'mpg123-decoder';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggOpusDecoder } from 'ogg-opus-decoder';

const format = process.argv[2] ?? 'mp3';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const bytes = new Uint8Array(Buffer.concat(chunks));
const decoder = format === 'flac' ? new FLACDecoder() : format === 'opus' ? new OggOpusDecoder() : new MPEGDecoder();
await decoder.ready;
const { channelData, samplesDecoded, sampleRate, errors } = format === 'mp3' ? decoder.decode(bytes) : await decoder.decodeFile(bytes);
decoder.free();
const left = channelData[0] ?? new Float32Array(0);
// Measured over the middle half, away from the encoder delay and the padded last frame.
const from = Math.floor(left.length / 4);
const to = Math.floor((3 * left.length) / 4);
let crossings = 0;
for (let index = from + 1; index < to; index++) if (left[index - 1] < 0 && left[index] >= 0) crossings++;
let energy = 0;
const pcm = Buffer.alloc(left.length * 2);
left.forEach((sample, index) => {
  energy += sample * sample;
  pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(sample * 32768))), index * 2);
});
process.stdout.write(JSON.stringify({
  sampleRate,
  samplesDecoded,
  channels: channelData.length,
  errors: errors.length,
  frequency: to > from ? Math.round((crossings * sampleRate) / (to - from)) : 0,
  rms: left.length > 0 ? Math.sqrt(energy / left.length) : 0,
  pcmSha256: createHash('sha256').update(pcm).digest('hex'),
}));
