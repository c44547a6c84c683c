/**
 * The masker sits on every exit (chat, logs, history, errors, files). This first version
 * knows two things: credentials in URL userinfo and the secret values registered from
 * config. Each registered value is also masked in the encodings it commonly leaks in.
 */
export const MASK = '***';

/** Values shorter than this would mask ordinary words; config validation warns about them. */
const MIN_SECRET_LENGTH = 4;

// scheme://user:password@host or scheme://token@host; the userinfo never survives.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

export interface Masker {
  mask(text: string): string;
  /** Register secret values; returns how many were accepted (long enough, new). */
  add(...secrets: readonly string[]): number;
  readonly size: number;
}

function encodings(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(Buffer.from(secret, 'utf8').toString('base64'));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createMasker(initial: readonly string[] = []): Masker {
  const forms = new Set<string>();
  let pattern: RegExp | null = null;

  const rebuild = () => {
    // Longest first, so a secret that contains another is masked whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    pattern = sorted.length > 0 ? new RegExp(sorted.join('|'), 'g') : null;
  };

  const masker: Masker = {
    mask(text: string): string {
      let out = text.replace(URL_USERINFO, `$1${MASK}@`);
      if (pattern) out = out.replace(pattern, MASK);
      return out;
    },
    add(...secrets: readonly string[]): number {
      let added = 0;
      for (const secret of secrets) {
        if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
        for (const form of encodings(secret)) {
          if (!forms.has(form)) {
            forms.add(form);
            added++;
          }
        }
      }
      if (added > 0) rebuild();
      return added;
    },
    get size() {
      return forms.size;
    },
  };
  masker.add(...initial);
  return masker;
}
