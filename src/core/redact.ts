/**
 * Secrets (API keys, HF tokens) must never reach stderr, an errors file or a report. Every text that
 * leaves the process through td's own writers passes through a Redactor: known secret values are
 * replaced exactly, and token-shaped strings are masked even when we were not told about them
 * (a server may echo a key we never saw, e.g. in a proxy error page).
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\bhf_[A-Za-z0-9]{16,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bcpk_[A-Za-z0-9._-]{16,}/g,
];

/** Environment variables whose values are treated as secrets wherever they are set. */
export const SECRET_ENV_NAMES: readonly string[] = [
  'CHUTES_API_KEY',
  'OPENAI_API_KEY',
  'HF_TOKEN',
  'HUGGINGFACE_API_KEY',
  'HUGGING_FACE_HUB_TOKEN',
];

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Registers a secret value; values shorter than 6 characters are ignored (they would mask ordinary words). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  apply(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, '[REDACTED]');
    return out;
  }

  /**
   * Replaces only the registered secret values, without masking token-shaped strings: for data files
   * (training records), where `sk-...` may be legitimate content but our own key never is.
   */
  applyKnown(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    return out;
  }

  /** Builds a redactor from the secret-bearing environment variables plus any extra names (e.g. `--api-key-env`). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, extraNames: readonly string[] = []): Redactor {
    return new Redactor([...SECRET_ENV_NAMES, ...extraNames].map((name) => env[name]));
  }
}
