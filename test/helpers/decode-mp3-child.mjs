// Decodes MP3 bytes from stdin with mpg123 (WASM build, mpg123-decoder) and prints what a listener would check:
// sample rate, decoded samples, decoder errors, and the zero-crossing frequency and RMS of the first channel.
// Run as a child process: the decoder is an ES module, which jest's CommonJS runtime cannot load.
import { MPEGDecoder } from 'mpg123-decoder';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const decoder = new MPEGDecoder();
await decoder.ready;
const { channelData, samplesDecoded, sampleRate, errors } = decoder.decode(new Uint8Array(Buffer.concat(chunks)));
const left = channelData[0] ?? new Float32Array(0);
// Measured over the middle half, away from the encoder delay and the padded last frame.
const from = Math.floor(left.length / 4);
const to = Math.floor((3 * left.length) / 4);
let crossings = 0;
for (let index = from + 1; index < to; index++) if (left[index - 1] < 0 && left[index] >= 0) crossings++;
let energy = 0;
for (const sample of left) energy += sample * sample;
decoder.free();
process.stdout.write(JSON.stringify({
  sampleRate,
  samplesDecoded,
  channels: channelData.length,
  errors: errors.length,
  frequency: to > from ? Math.round((crossings * sampleRate) / (to - from)) : 0,
  rms: left.length > 0 ? Math.sqrt(energy / left.length) : 0,
}));
