import { geminiTranscriptionToOpenAI, geminiUsageToTranscription } from '@sidecar/translate/audio/gemini-transcription-to-openai';
import { openaiTranscriptionToGemini } from '@sidecar/translate/audio/openai-transcription-to-gemini';

const USAGE = geminiUsageToTranscription({ promptTokenCount: 60, candidatesTokenCount: 5, totalTokenCount: 65, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }, { modality: 'AUDIO', tokenCount: 48 }] } as never);
const TIMED = JSON.stringify({ language: 'German', segments: [{ start: 0, end: 3661.5, text: ' Guten Tag.' }, { start: 3661.5, end: 3662.25, text: 'Tschüss' }] });

describe('geminiTranscriptionToOpenAI', () => {
  it('splits prompt tokens into text and audio from promptTokensDetails', () => {
    expect(USAGE).toEqual({ type: 'tokens', input_tokens: 60, input_token_details: { text_tokens: 12, audio_tokens: 48 }, output_tokens: 5, total_tokens: 65 });
  });

  it.each([
    { format: 'srt' as const, expected: '1\n00:00:00,000 --> 01:01:01,500\nGuten Tag.\n\n2\n01:01:01,500 --> 01:01:02,250\nTschüss\n\n' },
    { format: 'vtt' as const, expected: 'WEBVTT\n\n1\n00:00:00.000 --> 01:01:01.500\nGuten Tag.\n\n2\n01:01:01.500 --> 01:01:02.250\nTschüss\n\n' },
  ])('renders $format cues with hours and the format\'s millisecond separator', ({ format, expected }) => {
    const { answer, warnings } = geminiTranscriptionToOpenAI({ task: 'transcribe', format, text: TIMED, usage: null }, USAGE);
    expect(answer).toMatchObject({ kind: 'text', body: expected });
    expect(warnings).toEqual([]);
  });

  it('verbose_json: lower-case language, duration from the last end, segment ids, translate says english', () => {
    const transcribed = geminiTranscriptionToOpenAI({ task: 'transcribe', format: 'verbose_json', text: TIMED, usage: null }, USAGE).answer;
    expect(transcribed.body).toMatchObject({ task: 'transcribe', language: 'german', duration: 3662.25, text: 'Guten Tag. Tschüss', segments: [{ id: 0, text: ' Guten Tag.' }, { id: 1, text: ' Tschüss' }] });
    const translated = geminiTranscriptionToOpenAI({ task: 'translate', format: 'verbose_json', text: TIMED, usage: null }, USAGE).answer;
    expect(translated.body).toMatchObject({ task: 'translate', language: 'english' });
  });

  it('keeps text Gemini sent without readable segments as one segment, with a warning', () => {
    const { answer, warnings } = geminiTranscriptionToOpenAI({ task: 'transcribe', format: 'verbose_json', text: 'plain words', usage: null, language: 'French' }, USAGE);
    expect(answer.body).toMatchObject({ language: 'french', duration: 0, text: 'plain words', segments: [{ start: 0, end: 0, text: ' plain words' }] });
    expect(warnings).toHaveLength(1);
  });

  it('json and text trim what Gemini added around the transcript', () => {
    expect(geminiTranscriptionToOpenAI({ task: 'transcribe', format: 'json', text: '  hi \n', usage: null }, USAGE).answer.body).toEqual({ text: 'hi', usage: USAGE });
    expect(geminiTranscriptionToOpenAI({ task: 'transcribe', format: 'text', text: 'hi\n\n', usage: null }, USAGE).answer).toMatchObject({ body: 'hi\n' });
  });
});

describe('openaiTranscriptionToGemini', () => {
  const upload = { filename: 'a.ogg', contentType: 'application/octet-stream', base64: 'AAAA', bytes: 3 };

  it('asks for words only with word granularity on a timed format, and reports granularities elsewhere', () => {
    const words = openaiTranscriptionToGemini('transcribe', { model: 'm', response_format: 'verbose_json', 'timestamp_granularities[]': ['word'] }, upload);
    expect(words.geminiRequest.generationConfig?.responseJsonSchema).toMatchObject({ required: ['language', 'segments', 'words'] });
    const plain = openaiTranscriptionToGemini('transcribe', { model: 'm', 'timestamp_granularities[]': ['word'] }, upload);
    expect(plain.geminiRequest.generationConfig).toEqual({});
    expect(plain.warnings).toEqual(['timestamp_granularities[]']);
  });

  it('takes the MIME type from the extension before the content type', () => {
    const translated = openaiTranscriptionToGemini('translate', { model: 'm', language: 'de' }, upload);
    expect(translated.geminiRequest.contents[0]!.parts[0]).toEqual({ inlineData: { mimeType: 'audio/ogg', data: 'AAAA' } });
    expect(translated.warnings).toEqual(['language']);
  });
});
