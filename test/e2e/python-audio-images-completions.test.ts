import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { heardSentence } from '../emulator/default-audio';
import { TINY_PNG_BASE64 } from '../emulator/default-media';
import { speechTone } from '../emulator/default-speech';
import type { RecordedRequest } from '../emulator/gemini-emulator';
import { decodeAudio, decodeMp3 } from '../helpers/decode-audio';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { pythonClientsPython } from '../helpers/tool-paths';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, 'clients/python_audio_images_completions.py');
const HEARD = heardSentence('audio/wav', 1.5);

interface PythonLine {
  client: string;
  error?: string;
  [field: string]: unknown;
}

interface GeminiBody {
  contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>;
  generationConfig?: { speechConfig?: { voiceConfig: { prebuiltVoiceConfig: { voiceName: string } } } };
}

let sdk: SdkHarness;
let lines: PythonLine[];
let requests: RecordedRequest[];

const line = (client: string): PythonLine => {
  const found = lines.find((candidate) => candidate.client === client);
  if (!found) throw new Error(`python_audio_images_completions.py printed nothing for ${client}`);
  expect(found.error).toBeUndefined();
  return found;
};
/** The Gemini requests whose text mentions `marker`. */
const geminiRequestsFor = (marker: string): GeminiBody[] =>
  requests.map((request) => request.body as GeminiBody).filter((body) => body && JSON.stringify(body.contents).includes(marker));
/** The PCM the emulator spoke for the speech request whose input was `input`. */
const spokenFor = (input: string): Buffer => {
  const [body] = geminiRequestsFor(input);
  return speechTone(body!.contents[0]!.parts[0]!.text!, body!.generationConfig!.speechConfig!.voiceConfig.prebuiltVoiceConfig.voiceName);
};

beforeAll(async () => {
  sdk = await startSdkHarness('/v1', 'py-key');
  const python = pythonClientsPython();
  const output = await run(python, [SCRIPT, sdk.client.baseURL], { timeout: 120_000, maxBuffer: 64 << 20 }).catch((error: { stdout?: string; stderr?: string; message: string }) => error);
  requests = [...sdk.harness.emulator.requests];
  lines = (output.stdout ?? '').trim().split('\n').filter(Boolean).map((text) => JSON.parse(text) as PythonLine);
  if (lines.length === 0) throw new Error(`${python} ${SCRIPT} printed nothing: ${'message' in output ? output.message : output.stderr}`);
}, 150_000);
afterAll(() => sdk.close());

describe('speech, transcriptions, translations, image edits and completions through the openai Python SDK', () => {
  it('audio.speech.create: mp3 by default and as asked, decoded by mpg123 to the spoken length', async () => {
    for (const client of ['audio.speech.create(None)', 'audio.speech.create(mp3)']) {
      const result = line(client);
      expect(result.content_type).toBe('audio/mpeg');
      const decoded = await decodeMp3(Buffer.from(result.audio as string, 'base64'));
      const samples = spokenFor(client.includes('None') ? 'python speech None' : 'python speech mp3').length / 2;
      expect(decoded).toMatchObject({ sampleRate: 24000, errors: 0 });
      expect(decoded.samplesDecoded).toBeGreaterThanOrEqual(samples);
      expect(decoded.samplesDecoded).toBeLessThanOrEqual(samples + 2304);
    }
  });

  it('audio.speech.create: wav is header + the spoken PCM, pcm is the PCM itself', () => {
    const wav = Buffer.from(line('audio.speech.create(wav)').audio as string, 'base64');
    const pcm = Buffer.from(line('audio.speech.create(pcm)').audio as string, 'base64');
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.subarray(44).equals(spokenFor('python speech wav'))).toBe(true);
    expect(pcm.equals(spokenFor('python speech pcm'))).toBe(true);
  });

  it('audio.speech.create(flac): decodes losslessly to the spoken samples', async () => {
    const decoded = await decodeAudio(Buffer.from(line('audio.speech.create(flac)').audio as string, 'base64'), 'flac');
    expect(decoded).toMatchObject({ sampleRate: 24000, errors: 0 });
    expect(decoded.pcmSha256).toBe(createHash('sha256').update(spokenFor('python speech flac')).digest('hex'));
  });

  it('audio.speech.create(opus): Ogg Opus that libopus decodes to the spoken length', async () => {
    const decoded = await decodeAudio(Buffer.from(line('audio.speech.create(opus)').audio as string, 'base64'), 'opus');
    expect(decoded).toMatchObject({ sampleRate: 48000, errors: 0, samplesDecoded: spokenFor('python speech opus').length });
  });

  it('audio.speech.with_streaming_response: the streamed body is the spoken PCM', () => {
    expect(Buffer.from(line('audio.speech.with_streaming_response').audio as string, 'base64').equals(spokenFor('python streamed speech'))).toBe(true);
  });

  it('audio.transcriptions.create: every response format', () => {
    expect(line('audio.transcriptions.create(None)').result).toMatchObject({ text: HEARD, usage: { type: 'tokens' } });
    expect(line('audio.transcriptions.create(json)').result).toMatchObject({ text: HEARD });
    expect(String(line('audio.transcriptions.create(text)').result).trim()).toBe(HEARD);
    expect(line('audio.transcriptions.create(verbose_json)').result).toMatchObject({ task: 'transcribe', language: 'english', duration: 1.5, text: HEARD, segments: [{ id: 0, start: 0 }, { id: 1, end: 1.5 }] });
    expect(line('audio.transcriptions.create(srt)').result).toMatch(/^1\n00:00:00,000 --> 00:00:00,750\n.+\n\n2\n00:00:00,750 --> 00:00:01,500\n/);
    expect(line('audio.transcriptions.create(vtt)').result).toMatch(/^WEBVTT\n\n1\n00:00:00\.000 --> 00:00:00\.750\n/);
    const [sent] = geminiRequestsFor('verbatim transcript');
    expect(sent!.contents[0]!.parts[0]!.inlineData!.mimeType).toBe('audio/wav');
  });

  it('audio.transcriptions.create(stream=True): deltas and a done event with the whole text', () => {
    const events = line('audio.transcriptions.create(stream=True)').events as Array<{ type: string; delta?: string; text?: string }>;
    expect(events.filter((event) => event.type === 'transcript.text.delta').map((event) => event.delta).join('')).toBe(HEARD);
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: HEARD });
  });

  it('audio.translations.create: English text', () => {
    expect(line('audio.translations.create').text).toBe(`In English: ${HEARD}`);
  });

  it('images.edit with one and with three images', () => {
    expect(line('images.edit(1)').data).toEqual([TINY_PNG_BASE64]);
    expect(line('images.edit(3)').data).toEqual([TINY_PNG_BASE64]);
    const [three] = geminiRequestsFor('python edit 3');
    expect(three!.contents[0]!.parts.map((part) => part.inlineData?.mimeType ?? part.text)).toEqual(['image/png', 'image/png', 'image/png', 'python edit 3']);
  });

  it('completions.create, unary with two prompts and streamed with usage', () => {
    expect(line('completions.create')).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'Echo: python one', finish_reason: 'stop' }, { index: 1, text: 'Echo: python two', finish_reason: 'stop' }],
    });
    const streamed = line('completions.create(stream=True)');
    expect(streamed.text).toBe('Echo: python streamed completion');
    expect(streamed.last).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number) } });
  });
});
