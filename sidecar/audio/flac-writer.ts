import { createHash } from 'node:crypto';

// A FLAC writer for mono 16-bit PCM using VERBATIM subframes (https://www.rfc-editor.org/rfc/rfc9639): lossless and
// valid for every decoder, without prediction or Rice coding, so the file is about the size of the PCM. No maintained
// pure-JS FLAC encoder installs from npm (libflacjs is an emscripten build last released years ago); this format
// subset is a few dozen lines and is checked against a real decoder in the tests.

/** Samples per frame: the common 4096, which has its own block-size code. */
const BLOCK_SIZE = 4096;
/** Sample-rate codes of the frame header; other rates are read from STREAMINFO (code 0). */
const SAMPLE_RATE_CODES: Readonly<Record<number, number>> = { 8000: 0b0100, 16000: 0b0101, 22050: 0b0110, 24000: 0b0111, 32000: 0b1000, 44100: 0b1001, 48000: 0b1010 };

/** CRC-8 (polynomial 0x07) of a frame header. */
function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** CRC-16 (polynomial 0x8005) of a whole frame. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The frame number in FLAC's extended UTF-8 coding. */
function codedNumber(value: number): number[] {
  if (value < 0x80) return [value];
  const bytes: number[] = [];
  let rest = value;
  let limit = 0x3f;
  while (rest > limit) {
    bytes.unshift(0x80 | (rest & 0x3f));
    rest = Math.floor(rest / 64);
    limit >>= 1;
  }
  const lead = (0xff << (7 - bytes.length)) & 0xff;
  return [lead | rest, ...bytes];
}

/** `fLaC` and a STREAMINFO block; total samples and MD5 are 0 ("unknown") when streaming. */
export function flacStreamHeader(sampleRate: number, totalSamples = 0, md5: Buffer = Buffer.alloc(16)): Buffer {
  const info = Buffer.alloc(34);
  info.writeUInt16BE(BLOCK_SIZE, 0);
  info.writeUInt16BE(BLOCK_SIZE, 2);
  // bytes 4–9: min/max frame size, 0 = unknown. Then 20 bits rate, 3 bits channels-1 (0), 5 bits bps-1 (15), 36 bits total.
  info[10] = (sampleRate >> 12) & 0xff;
  info[11] = (sampleRate >> 4) & 0xff;
  info[12] = ((sampleRate & 0x0f) << 4) | (0 << 1) | (15 >> 4);
  info[13] = ((15 & 0x0f) << 4) | (Math.floor(totalSamples / 2 ** 32) & 0x0f);
  info.writeUInt32BE(totalSamples % 2 ** 32, 14);
  md5.copy(info, 18);
  return Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.from([0x80, 0, 0, 34]), info]);
}

/** One frame of up to 65536 samples (s16le bytes in, a VERBATIM subframe out). */
export function flacFrame(pcm: Buffer, frameNumber: number, sampleRate: number): Buffer {
  const samples = pcm.length / 2;
  const sizeCode = samples === BLOCK_SIZE ? 0b1100 : 0b0111;
  const rateCode = SAMPLE_RATE_CODES[sampleRate] ?? 0;
  const header = [0xff, 0xf8, (sizeCode << 4) | rateCode, (0b0000 << 4) | (0b100 << 1), ...codedNumber(frameNumber)];
  if (sizeCode === 0b0111) header.push(((samples - 1) >> 8) & 0xff, (samples - 1) & 0xff);
  header.push(crc8(Uint8Array.from(header)));
  const body = Buffer.alloc(1 + pcm.length);
  body[0] = 0b0000_0010; // VERBATIM, no wasted bits
  for (let index = 0; index < samples; index++) body.writeInt16BE(pcm.readInt16LE(index * 2), 1 + index * 2);
  const frame = Buffer.concat([Buffer.from(header), body]);
  const footer = Buffer.alloc(2);
  footer.writeUInt16BE(crc16(frame));
  return Buffer.concat([frame, footer]);
}

/** Buffers PCM into 4096-sample frames; `end()` writes the shorter last frame. */
export class FlacEncoder {
  private pending = Buffer.alloc(0);
  private frames = 0;
  private started = false;

  constructor(private readonly sampleRate: number) {}

  /** A whole file with its total length and MD5 in STREAMINFO. */
  static encodeAll(pcm: Buffer, sampleRate: number): Buffer {
    const whole = pcm.subarray(0, pcm.length - (pcm.length % 2));
    const encoder = new FlacEncoder(sampleRate);
    encoder.started = true;
    const md5 = createHash('md5').update(whole).digest();
    return Buffer.concat([flacStreamHeader(sampleRate, whole.length / 2, md5), encoder.push(whole), encoder.end()]);
  }

  push(pcm: Buffer): Buffer {
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      out.push(flacStreamHeader(this.sampleRate));
    }
    this.pending = Buffer.concat([this.pending, pcm]);
    while (this.pending.length >= BLOCK_SIZE * 2) {
      out.push(flacFrame(this.pending.subarray(0, BLOCK_SIZE * 2), this.frames++, this.sampleRate));
      this.pending = this.pending.subarray(BLOCK_SIZE * 2);
    }
    return Buffer.concat(out);
  }

  end(): Buffer {
    const head = this.started ? Buffer.alloc(0) : this.push(Buffer.alloc(0));
    const whole = this.pending.subarray(0, this.pending.length - (this.pending.length % 2));
    this.pending = Buffer.alloc(0);
    return whole.length > 0 ? Buffer.concat([head, flacFrame(whole, this.frames++, this.sampleRate)]) : head;
  }
}
