import type * as OpenAIModule from 'openai';

let loading: Promise<typeof OpenAIModule> | undefined;

/**
 * The openai SDK, loaded on the first request rather than at start-up: it is the heaviest module td
 * imports (~75 ms), and every command would pay for it, `td validate` and `td report` included.
 */
export function loadOpenAI(): Promise<typeof OpenAIModule> {
  loading ??= import('openai');
  return loading;
}
