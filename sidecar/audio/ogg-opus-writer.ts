import type OpusScript from 'opusscript';
import { loadOnFirstUse } from '../util/load-on-first-use';

// Ogg Opus (RFC 7845) from mono s16le PCM: libopus (opusscript, its emscripten/WASM build, no native binary and no
// install script) makes the packets, and this file muxes them into Ogg pages (RFC 3533), which no maintained npm
// package does for Node without native code. Granule positions count 48 kHz samples whatever the input rate.

/** 20 ms frames, the Opus default. */
const FRAME_MS = 20;
/** Pre-skip in 48 kHz samples: libopus's encoder delay at the default settings (312 at 48 kHz). */
const PRE_SKIP = 312;
/** Up to 50 packets (one second) per page. */
const PACKETS_PER_PAGE = 50;
/** Speech bitrate. */
const BITRATE = 32_000;
const VENDOR = 'openai-gemini-sidecar (libopus via opusscript)';

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  return crc >>> 0;
});

function oggCrc(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

/** One Ogg page holding whole packets. */
function oggPage(packets: readonly Buffer[], granule: bigint, sequence: number, serial: number, flags: number): Buffer {
  const lacing: number[] = [];
  for (const packet of packets) {
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(255, left));
      if (left < 255) break;
    }
  }
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[4] = 0;
  header[5] = flags;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  Buffer.from(lacing).copy(header, 27);
  const page = Buffer.concat([header, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Streams PCM slices into Ogg Opus pages; `end()` encodes the padded last frame and closes the stream. */
export class OggOpusEncoder {
  private readonly opus: OpusScript;
  private readonly frameSamples: number;
  private readonly serial = Math.floor(Math.random() * 0xffffffff);
  private pending = Buffer.alloc(0);
  private packets: Buffer[] = [];
  private sequence = 0;
  /** 48 kHz samples the packets so far decode to, and how many of them are real audio (not padding). */
  private decoded = 0n;
  private real = 0n;
  private started = false;
  private audioPages = 0;

  constructor(private readonly sampleRate: number) {
    // The Opus codec (an emscripten build) is loaded by the first opus speech answer, not at start.
    const Opus = loadOnFirstUse<typeof OpusScript>('opusscript');
    this.opus = new Opus(sampleRate as 24000, 1, Opus.Application.AUDIO);
    this.opus.setBitrate(BITRATE);
    this.frameSamples = (sampleRate * FRAME_MS) / 1000;
  }

  push(pcm: Buffer): Buffer {
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.headers());
    }
    this.pending = Buffer.concat([this.pending, pcm]);
    const frameBytes = this.frameSamples * 2;
    while (this.pending.length >= frameBytes) {
      this.encode(this.pending.subarray(0, frameBytes));
      this.pending = this.pending.subarray(frameBytes);
      if (this.packets.length >= PACKETS_PER_PAGE) out.push(this.flushPage(0));
    }
    return Buffer.concat(out);
  }

  end(): Buffer {
    const head = this.started ? Buffer.alloc(0) : this.push(Buffer.alloc(0));
    // The encoder holds back PRE_SKIP samples of look-ahead: silence flushes them out, then the last frame is padded.
    const tail = Math.floor(this.pending.length / 2);
    let rest = Buffer.concat([this.pending.subarray(0, tail * 2), Buffer.alloc(Math.ceil((PRE_SKIP * this.sampleRate) / 48_000) * 2)]);
    this.pending = Buffer.alloc(0);
    this.real += BigInt(Math.round((tail * 48_000) / this.sampleRate));
    const frameBytes = this.frameSamples * 2;
    while (rest.length > 0) {
      const frame = Buffer.alloc(frameBytes);
      rest.copy(frame, 0, 0, Math.min(frameBytes, rest.length));
      this.encode(frame, 0);
      rest = rest.subarray(Math.min(frameBytes, rest.length));
    }
    // A stream whose first audio page also ends it is read inconsistently by decoders (RFC 7845 4.5 lets the first
    // page's granule imply a start offset), so a short answer still gets an audio page before the last one.
    const pages: Buffer[] = [];
    if (this.audioPages === 0 && this.packets.length > 1) {
      const final = this.packets.pop()!;
      pages.push(this.flushPage(0, this.decoded - BigInt((FRAME_MS * 48_000) / 1000)));
      this.packets = [final];
    }
    // The last page's granule marks the true end (pre-skip + real samples), so decoders drop the padding.
    pages.push(this.flushPage(0x04, this.real + BigInt(PRE_SKIP)));
    const last = Buffer.concat(pages);
    this.opus.delete();
    return Buffer.concat([head, last]);
  }

  private headers(): Buffer {
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'latin1');
    head[8] = 1; // version
    head[9] = 1; // channels
    head.writeUInt16LE(PRE_SKIP, 10);
    head.writeUInt32LE(this.sampleRate, 12);
    head.writeInt16LE(0, 16); // output gain
    head[18] = 0; // mapping family
    const vendor = Buffer.from(VENDOR, 'utf8');
    const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
    tags.write('OpusTags', 0, 'latin1');
    tags.writeUInt32LE(vendor.length, 8);
    vendor.copy(tags, 12);
    tags.writeUInt32LE(0, 12 + vendor.length);
    return Buffer.concat([oggPage([head], 0n, this.sequence++, this.serial, 0x02), oggPage([tags], 0n, this.sequence++, this.serial, 0)]);
  }

  private encode(frame: Buffer, realSamples = this.frameSamples): void {
    this.packets.push(Buffer.from(this.opus.encode(frame, this.frameSamples)));
    this.decoded += BigInt((FRAME_MS * 48_000) / 1000);
    this.real += BigInt(Math.round((realSamples * 48_000) / this.sampleRate));
  }

  private flushPage(flags: number, granule = this.decoded): Buffer {
    this.audioPages += 1;
    const packets = this.packets;
    this.packets = [];
    return oggPage(packets, granule, this.sequence++, this.serial, flags);
  }
}
