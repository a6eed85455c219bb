import { atSpeechRate, geminiAudioToPcm, wavHeader } from '@sidecar/audio/speech-pcm';
import { flacFrame } from '@sidecar/audio/flac-writer';

const tone = (samples: number): Buffer => {
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) pcm.writeInt16LE(Math.round(9000 * Math.sin(index / 5)), index * 2);
  return pcm;
};

describe('Gemini audio → 24 kHz PCM', () => {
  it('takes raw L16 with the rate its MIME type names', () => {
    const pcm = tone(160);
    expect(geminiAudioToPcm({ mimeType: 'audio/L16;codec=pcm;rate=16000', data: pcm.toString('base64') })).toEqual({ samples: pcm, sampleRate: 16000 });
  });

  it('strips a WAV header, reading the rate from its fmt chunk', () => {
    const pcm = tone(100);
    const wav = Buffer.concat([wavHeader(pcm.length, 22050), pcm]);
    expect(geminiAudioToPcm({ mimeType: 'audio/wav', data: wav.toString('base64') })).toEqual({ samples: pcm, sampleRate: 22050 });
  });

  it('refuses WAV that is not mono 16-bit PCM and audio types it cannot read', () => {
    const stereo = Buffer.concat([wavHeader(8), Buffer.alloc(8)]);
    stereo.writeUInt16LE(2, 22);
    expect(() => geminiAudioToPcm({ mimeType: 'audio/wav', data: stereo.toString('base64') })).toThrow(/2 channels/);
    expect(() => geminiAudioToPcm({ mimeType: 'audio/mpeg', data: 'AAAA' })).toThrow(/audio\/mpeg/);
  });

  it('resamples other rates to 24 kHz (1.5 × the samples from 16 kHz) and leaves 24 kHz alone', () => {
    const pcm = tone(1600);
    const resampled = atSpeechRate({ samples: pcm, sampleRate: 16000 });
    expect(resampled.sampleRate).toBe(24000);
    expect(resampled.samples.length).toBe(2400 * 2);
    // Every third output sample falls on an input sample.
    for (let index = 0; index < 1600; index += 2) expect(resampled.samples.readInt16LE(index * 3)).toBe(pcm.readInt16LE(index * 2));
    const same = { samples: pcm, sampleRate: 24000 };
    expect(atSpeechRate(same)).toBe(same);
  });
});

describe('FLAC frames', () => {
  it('codes a short last block as an explicit 16-bit size and frame numbers past 127 in two bytes', () => {
    const frame = flacFrame(tone(10), 200, 24000);
    expect([...frame.subarray(0, 4)]).toEqual([0xff, 0xf8, 0x77, 0x08]);
    expect([...frame.subarray(4, 6)]).toEqual([0xc3, 0x88]);
    expect(frame.readUInt16BE(6)).toBe(9);
    expect(frame.length).toBe(6 + 2 + 1 + 1 + 20 + 2);
  });
});
