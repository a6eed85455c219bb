import { InvalidRequestError } from '../errors/sidecar-error';

const PREFIXES = ['models/', 'google/'];
const VALID_MODEL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The Gemini model id for a model name a client sent. Clients copy ids from Google's compat `/models` list
 * (`models/gemini-2.5-flash`) or from Vertex docs (`google/gemini-2.5-flash`); both prefixes are stripped.
 * Anything that could change the upstream path (`/`, `..`, `?`, `#`, `:`) is refused.
 */
export function openaiModelToGemini(model: string): string {
  let name = model.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of PREFIXES) {
      if (name.startsWith(prefix)) {
        name = name.slice(prefix.length);
        changed = true;
      }
    }
  }
  if (!VALID_MODEL.test(name) || name.includes('..')) {
    throw new InvalidRequestError(`Invalid model name '${model}'.`, 'model', 'invalid_model');
  }
  return name;
}
