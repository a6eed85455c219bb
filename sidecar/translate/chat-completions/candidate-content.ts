import type { GeminiCandidate } from './gemini-generate-schema';

/** A functionCall part as the sidecar reports it. */
export interface CandidateToolCall {
  id?: string;
  name: string;
  args: Record<string, unknown>;
  thoughtSignature?: string;
}

/** An inlineData part (an image from an image model). */
export interface CandidateImage {
  mimeType: string;
  data: string;
}

/** What the sidecar reads out of one candidate's parts. */
export interface CandidateContent {
  /** Non-thought text joined with "" (Gemini splits text across parts arbitrarily); code parts as fenced blocks. */
  text: string;
  /** Text of `thought: true` parts (thought summaries, when the request asked for them). */
  reasoning: string;
  toolCalls: CandidateToolCall[];
  images: CandidateImage[];
  /** The last signature found on a part that is not a functionCall (a text answer's signature). */
  textSignature?: string;
  /** Part kinds the sidecar cannot represent, for a warning. */
  unsupported: string[];
}

/** Splits a candidate's parts into answer text, thoughts, tool calls, images and signatures. */
export function readCandidateContent(candidate: GeminiCandidate): CandidateContent {
  const content: CandidateContent = { text: '', reasoning: '', toolCalls: [], images: [], unsupported: [] };
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      // Vertex's streamed-arguments mode ends a call with an empty `functionCall: {}` marker: nothing to report.
      if (!part.functionCall.name) continue;
      content.toolCalls.push({
        ...(part.functionCall.id ? { id: part.functionCall.id } : {}),
        name: part.functionCall.name,
        args: part.functionCall.args ?? {},
        ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}),
      });
      continue;
    }
    if (part.thoughtSignature) content.textSignature = part.thoughtSignature;
    if (typeof part.text === 'string') {
      if (part.thought === true) content.reasoning += part.text;
      else content.text += part.text;
    } else if (part.inlineData) {
      if (part.thought !== true) content.images.push({ mimeType: part.inlineData.mimeType, data: part.inlineData.data });
    } else if (part.executableCode) {
      content.text += `\n\`\`\`${(part.executableCode.language ?? '').toLowerCase()}\n${part.executableCode.code ?? ''}\n\`\`\`\n`;
    } else if (part.codeExecutionResult) {
      content.text += `\n\`\`\`output\n${part.codeExecutionResult.output ?? ''}\n\`\`\`\n`;
    } else {
      const kind = Object.keys(part).find((key) => key !== 'thought' && key !== 'thoughtSignature');
      if (kind) content.unsupported.push(kind);
    }
  }
  return content;
}
