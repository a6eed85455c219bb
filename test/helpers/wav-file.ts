import { wavHeader } from '@sidecar/audio/speech-pcm';

const SAMPLE_RATE = 16_000;

/** `seconds` of a `toneHz` sine (0: silence) as a 16 kHz mono s16le WAV file, what an SDK user uploads to transcribe. */
export function wavFile(seconds: number, toneHz = 0): Buffer {
  const samples = Math.round(seconds * SAMPLE_RATE);
  const pcm = Buffer.alloc(samples * 2);
  if (toneHz > 0) {
    for (let index = 0; index < samples; index++) pcm.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * toneHz * index) / SAMPLE_RATE)), index * 2);
  }
  return Buffer.concat([wavHeader(pcm.length, SAMPLE_RATE), pcm]);
}
