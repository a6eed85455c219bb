import OpenAI from 'openai';
import { OPENAI_VOICE_TO_GEMINI } from '@sidecar/translate/audio/speech-voices';
import { speechTone, TTS_SAMPLE_RATE } from '../emulator/default-speech';
import { createHash } from 'node:crypto';
import { decodeAudio, decodeMp3 } from '../helpers/decode-audio';
import { useSdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';

interface GeminiBody {
  contents: Array<{ parts: Array<{ text: string }> }>;
  generationConfig: { responseModalities: string[]; speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: string } } } };
}

/** The frequency of the emulator's tone for a voice, measured the way decode-audio-child.mjs measures it. */
function toneFrequency(voice: string): number {
  const pcm = speechTone('x'.repeat(40), voice);
  let crossings = 0;
  for (let index = 2; index < pcm.length; index += 2) if (pcm.readInt16LE(index - 2) < 0 && pcm.readInt16LE(index) >= 0) crossings++;
  return Math.round((crossings * TTS_SAMPLE_RATE) / (pcm.length / 2));
}

describe.each(BACKENDS)('POST /v1/audio/speech through the official openai SDK on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', { backend }, (sdk) => ({ harness, client } = sdk));

  const lastBody = (): GeminiBody => harness.emulator.lastRequest()!.body as GeminiBody;
  /** The PCM the emulator spoke for the last request. */
  const spoken = (): Buffer => speechTone(lastBody().contents[0]!.parts[0]!.text, lastBody().generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName);

  it('pcm: Gemini 2.5 TTS raw L16 bytes, unchanged; alloy → Kore; AUDIO modality', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'alloy', input: 'Hello there', response_format: 'pcm' });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-2.5-flash-preview-tts', 'generateContent'));
    expect(harness.upstreamCredential(harness.emulator.lastRequest()!)).toBe(harness.expectedCredential('k'));
    expect(lastBody()).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }],
      generationConfig: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } },
    });
    expect(response.headers.get('content-type')).toBe('audio/pcm');
    expect(bytes.equals(spoken())).toBe(true);
  });

  it('pcm from Gemini 3.8 (which answers WAV): the RIFF header is stripped, not passed on', async () => {
    const response = await client.audio.speech.create({ model: 'tts-1-hd', voice: 'Puck', input: 'Three point eight', response_format: 'pcm' });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-3.8-flash-tts', 'generateContent'));
    expect(Buffer.from(await response.arrayBuffer()).equals(spoken())).toBe(true);
  });

  it('wav: a 44-byte header for 24 kHz mono 16-bit with exact lengths, then the samples', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'nova', input: 'Wave file', response_format: 'wav' });
    const bytes = Buffer.from(await response.arrayBuffer());
    const pcm = spoken();
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.readUInt32LE(4)).toBe(36 + pcm.length);
    expect(bytes.subarray(8, 16).toString('latin1')).toBe('WAVEfmt ');
    expect([bytes.readUInt16LE(20), bytes.readUInt16LE(22), bytes.readUInt32LE(24), bytes.readUInt32LE(28), bytes.readUInt16LE(32), bytes.readUInt16LE(34)]).toEqual([1, 1, 24000, 48000, 2, 16]);
    expect(bytes.subarray(36, 40).toString('latin1')).toBe('data');
    expect(bytes.readUInt32LE(40)).toBe(pcm.length);
    expect(bytes.subarray(44).equals(pcm)).toBe(true);
  });

  it('mp3 (the SDK default): real MPEG audio that mpg123 decodes to the same tone and length', async () => {
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'onyx', input: 'The default format is MP3, so this must decode.' });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-3.8-flash-lite-tts', 'generateContent'));
    expect(lastBody().generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName).toBe(OPENAI_VOICE_TO_GEMINI.onyx);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const mp3 = Buffer.from(await response.arrayBuffer());
    expect(mp3.readUInt16BE(0) & 0xffe0).toBe(0xffe0); // frame sync
    expect(mp3[3]! >> 6).toBe(3); // channel mode: mono (mpg123 reports every stream as stereo)
    const decoded = await decodeMp3(mp3);
    const samples = spoken().length / 2;
    expect(decoded).toMatchObject({ sampleRate: 24000, errors: 0 });
    // LAME adds encoder delay and pads the last frame: at most two frames (2 × 576 samples at 24 kHz) more.
    expect(decoded.samplesDecoded).toBeGreaterThanOrEqual(samples);
    expect(decoded.samplesDecoded).toBeLessThanOrEqual(samples + 2 * 1152);
    expect(Math.abs(decoded.frequency - toneFrequency('Algenib'))).toBeLessThanOrEqual(5);
    expect(decoded.rms).toBeGreaterThan(0.1);
  });

  it('flac: lossless, STREAMINFO with length and MD5; the real decoder gives back the spoken samples exactly', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-3.8-flash-tts', voice: 'sage', input: 'Lossless speech in FLAC', response_format: 'flac' });
    expect(response.headers.get('content-type')).toBe('audio/flac');
    const flac = Buffer.from(await response.arrayBuffer());
    const pcm = spoken();
    expect(flac.subarray(0, 4).toString('latin1')).toBe('fLaC');
    expect(flac.subarray(26, 42).equals(createHash('md5').update(pcm).digest())).toBe(true);
    const decoded = await decodeAudio(flac, 'flac');
    expect(decoded).toMatchObject({ sampleRate: 24000, channels: 1, errors: 0, samplesDecoded: pcm.length / 2 });
    expect(decoded.pcmSha256).toBe(createHash('sha256').update(pcm).digest('hex'));
  });

  it('opus: Ogg Opus that libopus decodes to the spoken length (at 48 kHz) and pitch', async () => {
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'echo', input: 'Opus in an Ogg container, please.', response_format: 'opus' });
    expect(response.headers.get('content-type')).toBe('audio/ogg; codecs=opus');
    const ogg = Buffer.from(await response.arrayBuffer());
    expect(ogg.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(ogg.subarray(28, 36).toString('latin1')).toBe('OpusHead');
    const decoded = await decodeAudio(ogg, 'opus');
    expect(decoded).toMatchObject({ sampleRate: 48000, errors: 0, samplesDecoded: spoken().length });
    expect(Math.abs(decoded.frequency - toneFrequency('Charon'))).toBeLessThanOrEqual(5);
  });

  it('instructions and speed become director notes; the transcript is kept verbatim', async () => {
    await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'coral', input: 'Read me.', instructions: 'Cheerful and warm.', speed: 1.5, response_format: 'pcm' });
    expect(lastBody().contents[0]!.parts[0]!.text).toBe(
      "### DIRECTOR'S NOTES\nCheerful and warm.\nPace: speak faster than normal, at about 1.5 times the normal speaking rate.\n\n### TRANSCRIPT\nRead me.",
    );
  });

  it('stream_format sse: speech.audio.delta events whose audio concatenates to the answer, then speech.audio.done with usage', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'Kore', input: 'Streaming speech comes in several slices.', response_format: 'pcm', stream_format: 'sse' });
    const text = await response.text();
    expect(harness.emulator.lastRequest()!.path).toBe(`${harness.modelPath('gemini-2.5-flash-preview-tts', 'streamGenerateContent')}?alt=sse`);
    const events = text.split('\n\n').filter(Boolean).map((frame) => JSON.parse(frame.replace(/^data: /, '')) as { type: string; audio?: string; usage?: Record<string, number> });
    const deltas = events.filter((event) => event.type === 'speech.audio.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(Buffer.concat(deltas.map((event) => Buffer.from(event.audio!, 'base64'))).equals(spoken())).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'speech.audio.done', usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    expect(events.at(-1)!.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('stream_format sse with flac: the deltas form one FLAC stream that decodes to the spoken samples exactly', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'Kore', input: 'Streamed FLAC is lossless too, frame by frame.', response_format: 'flac', stream_format: 'sse' });
    const events = (await response.text()).split('\n\n').filter(Boolean).map((frame) => JSON.parse(frame.replace(/^data: /, '')) as { type: string; audio?: string });
    const flac = Buffer.concat(events.filter((event) => event.audio).map((event) => Buffer.from(event.audio!, 'base64')));
    const decoded = await decodeAudio(flac, 'flac');
    expect(decoded).toMatchObject({ sampleRate: 24000, errors: 0, samplesDecoded: spoken().length / 2 });
    expect(decoded.pcmSha256).toBe(createHash('sha256').update(spoken()).digest('hex'));
  });

  it('stream_format sse with opus: the deltas form one Ogg Opus stream of the spoken length', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'Kore', input: 'Streamed Opus pages, one after another.', response_format: 'opus', stream_format: 'sse' });
    const events = (await response.text()).split('\n\n').filter(Boolean).map((frame) => JSON.parse(frame.replace(/^data: /, '')) as { type: string; audio?: string });
    const decoded = await decodeAudio(Buffer.concat(events.filter((event) => event.audio).map((event) => Buffer.from(event.audio!, 'base64'))), 'opus');
    expect(decoded).toMatchObject({ sampleRate: 48000, errors: 0, samplesDecoded: spoken().length });
  });

  it('stream_format sse with mp3: the deltas form one decodable MP3 stream', async () => {
    const response = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'Kore', input: 'Streamed MP3 must decode as one file.', stream_format: 'sse' });
    const events = (await response.text()).split('\n\n').filter(Boolean).map((frame) => JSON.parse(frame.replace(/^data: /, '')) as { type: string; audio?: string });
    const mp3 = Buffer.concat(events.filter((event) => event.audio).map((event) => Buffer.from(event.audio!, 'base64')));
    const decoded = await decodeMp3(mp3);
    expect(decoded).toMatchObject({ sampleRate: 24000, errors: 0 });
    expect(decoded.samplesDecoded).toBeGreaterThanOrEqual(spoken().length / 2);
  });

  const refusals: Array<{ name: string; fields: Record<string, unknown>; param: string }> = [
    { name: 'an empty input', fields: { input: '' }, param: 'input' },
    { name: 'an input over 4096 characters', fields: { input: 'x'.repeat(4097) }, param: 'input' },
    { name: 'an unknown voice', fields: { voice: 'nobody' }, param: 'voice' },
    { name: 'a custom voice id', fields: { voice: { id: 'voice_123' } }, param: 'voice' },
    { name: 'aac', fields: { response_format: 'aac' }, param: 'response_format' },
    { name: 'an unknown format', fields: { response_format: 'ogg' }, param: 'response_format' },
    { name: 'speed 5', fields: { speed: 5 }, param: 'speed' },
    { name: 'an unknown stream_format', fields: { stream_format: 'chunks' }, param: 'stream_format' },
  ];
  it.each(refusals)('refuses $name with a 400 naming $param and no upstream call', async ({ fields, param }) => {
    const body = { model: 'tts-1', voice: 'alloy', input: 'hi', ...fields };
    const error = (await client.audio.speech.create(body as never).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe(param);
    if (fields.response_format === 'aac') expect(error.message).toContain('Supported: mp3, opus, wav, flac, pcm');
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('a blocked prompt is a 400 content_policy_violation, unary and as an SSE error event', async () => {
    const error = (await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'say [block]' }).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'content_policy_violation', param: 'input' });
    const streamed = await client.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', voice: 'Kore', input: 'say [block]', stream_format: 'sse' });
    expect(await streamed.text()).toMatch(/^data: \{"error":\{.*"code":"content_policy_violation"/);
  });

  it('is served under /v1beta/openai/ too', async () => {
    const beta = new OpenAI({ apiKey: 'k', baseURL: client.baseURL.replace(/\/v1$/, '/v1beta/openai'), maxRetries: 0 });
    const response = await beta.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'beta', response_format: 'pcm' });
    expect(Buffer.from(await response.arrayBuffer()).equals(spoken())).toBe(true);
  });
});
