import { connect } from 'node:net';
import OpenAI, { toFile } from 'openai';
import { heardSentence } from '../emulator/default-audio';
import { startSdkHarness, useSdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';
import { wavFile } from '../helpers/wav-file';

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>;
  generationConfig?: Record<string, unknown>;
}

const WAV = wavFile(2, 440);
const HEARD = heardSentence('audio/wav', 2);

describe.each(BACKENDS)('POST /v1/audio/transcriptions and /translations through the official openai SDK on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', { backend }, (sdk) => ({ harness, client } = sdk));

  const lastBody = (): GeminiBody => harness.emulator.lastRequest()!.body as GeminiBody;
  const file = () => toFile(WAV, 'speech.wav', { type: 'audio/wav' });

  it('json: the bytes unchanged as inlineData, a verbatim instruction with language and prompt, temperature; text and token usage back', async () => {
    const result = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', language: 'de', prompt: 'Names: Zoë', temperature: 0.2 });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-3.5-flash', 'generateContent'));
    expect(harness.upstreamCredential(harness.emulator.lastRequest()!)).toBe(harness.expectedCredential('k'));
    const [audio, instruction] = lastBody().contents[0]!.parts;
    expect(audio!.inlineData).toEqual({ mimeType: 'audio/wav', data: WAV.toString('base64') });
    expect(instruction!.text).toContain('verbatim transcript');
    expect(instruction!.text).toContain('The speech is in German.');
    expect(instruction!.text).toContain('Names: Zoë');
    expect(lastBody().generationConfig).toEqual({ temperature: 0.2 });
    expect(result.text).toBe(HEARD);
    expect(result).toMatchObject({ usage: { type: 'tokens', input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
  });

  it('text: the transcript as text/plain', async () => {
    const result = await client.audio.transcriptions.create({ file: await file(), model: 'gpt-4o-transcribe', response_format: 'text' });
    expect(String(result).trim()).toBe(HEARD);
  });

  it('verbose_json: segments and words with timestamps asked for as JSON, duration and an English language name', async () => {
    const result = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] });
    expect(lastBody().generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: { required: ['language', 'segments', 'words'] } });
    expect(result).toMatchObject({ task: 'transcribe', language: 'english', duration: 2, text: HEARD });
    expect(result.segments!.map((segment) => [segment.id, segment.start, segment.end])).toEqual([[0, 0, 1], [1, 1, 2]]);
    expect(result.segments!.map((segment) => segment.text.trim()).join(' ')).toBe(HEARD);
    expect(result.words!.map((word) => word.word).join(' ')).toBe(HEARD);
    expect(result.words!.at(-1)!.end).toBe(2);
  });

  it('srt and vtt: numbered cues with comma and dot millisecond separators', async () => {
    const srt = String(await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'srt' }));
    const vtt = String(await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'vtt' }));
    const [first, second] = [HEARD.split(' ').slice(0, 4).join(' '), HEARD.split(' ').slice(4).join(' ')];
    expect(srt).toBe(`1\n00:00:00,000 --> 00:00:01,000\n${first}\n\n2\n00:00:01,000 --> 00:00:02,000\n${second}\n\n`);
    expect(vtt).toBe(`WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n${first}\n\n2\n00:00:01.000 --> 00:00:02.000\n${second}\n\n`);
  });

  it('stream: transcript.text.delta events that add up to transcript.text.done, from streamGenerateContent', async () => {
    const stream = await client.audio.transcriptions.create({ file: await file(), model: 'gpt-4o-mini-transcribe', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(harness.emulator.lastRequest()!.path).toBe(`${harness.modelPath('gemini-3.5-flash-lite', 'streamGenerateContent')}?alt=sse`);
    const deltas = events.filter((event) => event.type === 'transcript.text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => (event as { delta: string }).delta).join('')).toBe(HEARD);
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: HEARD, usage: { type: 'tokens' } });
  });

  it('translations: an into-English instruction, json and verbose_json with task translate', async () => {
    const json = await client.audio.translations.create({ file: await file(), model: 'whisper-1', prompt: 'A weather report' });
    expect(lastBody().contents[0]!.parts[1]!.text).toContain('Translate the speech in this audio into English');
    expect(json.text).toBe(`In English: ${HEARD}`);
    const verbose = await client.audio.translations.create({ file: await file(), model: 'whisper-1', response_format: 'verbose_json' });
    expect(verbose).toMatchObject({ task: 'translate', language: 'english', duration: 2 });
  });

  it.each([
    ['mp3', 'audio/mpeg', 'audio/mp3'],
    ['m4a', 'audio/mp4', 'audio/mp4'],
    ['ogg', 'audio/ogg', 'audio/ogg'],
    ['flac', 'audio/flac', 'audio/flac'],
    ['webm', 'audio/webm', 'video/webm'],
  ])('a .%s upload goes to Gemini as %s → %s', async (extension, type, gemini) => {
    await client.audio.transcriptions.create({ file: await toFile(Buffer.from('not really audio'), `clip.${extension}`, { type }), model: 'whisper-1' });
    expect(lastBody().contents[0]!.parts[0]!.inlineData!.mimeType).toBe(gemini);
  });

  const refusals: Array<{ name: string; fields: Record<string, unknown>; param: string | null }> = [
    { name: 'a text file', fields: { file: 'txt' }, param: 'file' },
    { name: 'a missing model', fields: { model: undefined }, param: 'model' },
    { name: 'diarized_json', fields: { response_format: 'diarized_json' }, param: 'response_format' },
    { name: 'temperature 2', fields: { temperature: 2 }, param: 'temperature' },
    { name: 'stream with srt', fields: { stream: true, response_format: 'srt' }, param: 'stream' },
    { name: 'a language that is not a code', fields: { language: 'German language' }, param: 'language' },
  ];
  it.each(refusals)('refuses $name with a 400 naming $param and no upstream call', async ({ fields, param }) => {
    const upload = fields.file === 'txt' ? await toFile(Buffer.from('hello'), 'notes.txt', { type: 'text/plain' }) : await file();
    const body = { model: 'whisper-1', ...fields, file: upload };
    const error = (await client.audio.transcriptions.create(body as never).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe(param);
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('refuses a JSON body and a form without a file with 400s', async () => {
    const json = await fetch(`${client.baseURL}/audio/transcriptions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: '{"model":"whisper-1"}' });
    expect(json.status).toBe(400);
    const form = new FormData();
    form.append('model', 'whisper-1');
    const noFile = await fetch(`${client.baseURL}/audio/transcriptions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: form });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { error: { param: string } }).error.param).toBe('file');
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('answers a 26 MiB upload with 413 after reading only its headers and first megabyte', async () => {
    const url = new URL(client.baseURL);
    const boundary = 'xyz';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
    const total = 26 * 1024 * 1024;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST /v1/audio/transcriptions HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${total}\r\n\r\n${head}`);
        socket.write(Buffer.alloc(1024 * 1024));
      });
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        if (received.includes('\r\n\r\n{') && received.trimEnd().endsWith('}')) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
      setTimeout(() => reject(new Error(`no answer while the rest of the body was withheld; got ${JSON.stringify(received)}`)), 5000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"request_too_large"');
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('cuts a chunked upload with 413 as soon as it passes the limit', async () => {
    const limited = await startSdkHarness('/v1', 'k', { backend, uploads: { audioMaxBytes: 64 * 1024 } });
    try {
      const big = Buffer.alloc(200 * 1024, 1);
      const error = (await limited.client.audio.transcriptions.create({ file: await toFile(big, 'big.wav', { type: 'audio/wav' }), model: 'whisper-1' }).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
      expect(error.status).toBe(413);
      expect(limited.harness.emulator.requests).toHaveLength(0);
    } finally {
      await limited.close();
    }
  });

  it('a refused transcription (blocked prompt) is a 400 content_policy_violation, not an empty text', async () => {
    const error = (await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', prompt: '[block]' }).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'content_policy_violation', param: 'file' });
    expect(harness.emulator.requests).toHaveLength(1);
  });

  it('is served under /v1beta/openai/ too', async () => {
    const beta = new OpenAI({ apiKey: 'k', baseURL: client.baseURL.replace(/\/v1$/, '/v1beta/openai'), maxRetries: 0 });
    const result = await beta.audio.transcriptions.create({ file: await file(), model: 'whisper-1' });
    expect(result.text).toBe(HEARD);
  });
});
