type Json = Record<string, unknown>;

/** The first sentence of a reply (through its first `.`, `!` or `?`), or all of it. */
function firstSentence(text: string): string {
  return /^.*?[.!?](?=\s|$)/s.exec(text)?.[0] ?? text;
}

/**
 * Search grounding as https://ai.google.dev/gemini-api/docs/google-search documents it: the query, one web source
 * and one support for the first sentence. Segment indexes are UTF-8 byte offsets into the part, as Google counts them.
 */
export function groundingMetadata(query: string, text: string): Json {
  const sentence = firstSentence(text);
  return {
    webSearchQueries: [query],
    searchEntryPoint: { renderedContent: `<div class="container"><a class="chip" href="https://www.google.com/search?q=${encodeURIComponent(query)}">${query.replace(/[<>&"]/g, '')}</a></div>` },
    groundingChunks: [{ web: { uri: 'https://example.com/a', title: 'example.com' } }],
    groundingSupports: [{ segment: { startIndex: 0, endIndex: Buffer.byteLength(sentence), text: sentence }, groundingChunkIndices: [0] }],
  };
}
