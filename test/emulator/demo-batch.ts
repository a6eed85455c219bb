import OpenAI, { toFile } from 'openai';

/** The openai SDK's Batch API against the sidecar: a two-line chat batch uploaded, run, polled and read back. */
export async function batchCheck(baseURL: string): Promise<{ ok: boolean; text: string }> {
  const client = new OpenAI({ apiKey: 'demo-key', baseURL, maxRetries: 0 });
  try {
    const lines = ['Hello from line one', 'Hello from line two'].map((content, index) =>
      JSON.stringify({ custom_id: `demo-${index + 1}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content }] } }),
    );
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'demo.jsonl'), purpose: 'batch' });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    for (let polls = 0; polls < 10 && batch.status !== 'completed'; polls++) batch = await client.batches.retrieve(batch.id);
    if (!batch.output_file_id) return { ok: false, text: `batch ${batch.status} without output` };
    const output = (await (await client.files.content(batch.output_file_id)).text()).trim().split('\n');
    return { ok: output.length === 2, text: `${batch.status}, ${batch.request_counts?.completed ?? 0}/${batch.request_counts?.total ?? 0} lines in ${batch.output_file_id}` };
  } catch (error) {
    return { ok: false, text: (error as Error).message.split('\n')[0] ?? 'error' };
  }
}
