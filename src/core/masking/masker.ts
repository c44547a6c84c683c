/**
 * The masker sits on every exit (chat, logs, history, errors, files). Two passes: first every
 * registered secret in each of its encodings (encodings.ts), then credential shapes that need
 * no registration (shapes.ts: URL userinfo, Slack/GitHub/GitLab/Discord tokens, Bearer and
 * Basic credentials, Authorization headers, AWS key ids, PEM private keys). Registered values go
 * first so a secret is masked whole even where a shape would only cover part of it; between
 * the two, the start of a registered value that a message cut off at an ellipsis (truncated.ts).
 */
import { encodings } from './encodings.js';
import { MASK, MIN_SECRET_LENGTH } from './mask.js';
import { applyStage, StageStream, type Stage } from './scan.js';
import { shapeOf, SHAPES_MAX_LENGTH, SHAPES_SOURCE, type CredentialKind } from './shapes.js';
import { truncatedStage } from './truncated.js';

export { MASK } from './mask.js';

/** Masks text that arrives in pieces; a secret split across pieces is still masked. */
export interface MaskingStream {
  /** The part of the text so far that is final, masked; a bounded tail is held back. */
  push(chunk: string): string;
  /** Everything still held, masked. */
  end(): string;
}

export interface Masker {
  mask(text: string): string;
  /** Register secret values; returns how many forms were accepted (long enough, new). */
  add(...secrets: readonly string[]): number;
  /** The credential in `text` (a shape first, else a registered secret in any form), or null. */
  detect(text: string): CredentialKind | null;
  /**
   * A fresh streaming masker over this registry (secrets added later apply from then on).
   * `minAdvance`: new characters gathered before a rescan (default 1024); 0 scans every push.
   */
  stream(opts?: { minAdvance?: number }): MaskingStream;
  readonly size: number;
}

export const REGISTERED_SECRET: CredentialKind = {
  kind: 'registered_secret',
  label: 'one of packbot\'s configured secrets',
  noun: 'secret',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The credential shapes, as a stage; one RegExp per stage so streams never share lastIndex. */
export function shapeStage(): Stage {
  const re = new RegExp(SHAPES_SOURCE, 'g');
  return { regex: () => re, maxLength: () => SHAPES_MAX_LENGTH, replace: (m) => shapeOf(m).masked(m[0]) };
}

export function createMasker(initial: readonly string[] = []): Masker {
  const forms = new Set<string>();
  let source: string | null = null;
  let longest = 0;
  let version = 0;

  const rebuild = () => {
    version++;
    // Longest first, so a secret that contains another is masked whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    longest = sorted[0]?.length ?? 0;
    source = sorted.length > 0 ? sorted.map(escapeRegExp).join('|') : null;
  };

  /** The registered forms as a stage that follows the registry as it grows. */
  const secretStage = (): Stage => {
    let built: { source: string; re: RegExp } | null = null;
    return {
      regex() {
        if (source === null) return null;
        if (built?.source !== source) built = { source, re: new RegExp(source, 'g') };
        return built.re;
      },
      maxLength: () => longest,
      replace: () => MASK,
    };
  };
  const cutStage = () => truncatedStage(() => forms, () => version);
  const secrets = secretStage();
  const truncated = cutStage();
  const shapes = shapeStage();

  const masker: Masker = {
    mask(text: string): string {
      return applyStage(shapes, applyStage(truncated, applyStage(secrets, text)));
    },
    add(...values: readonly string[]): number {
      let added = 0;
      for (const value of values) {
        if (typeof value !== 'string' || value.trim().length < MIN_SECRET_LENGTH) continue;
        for (const form of encodings(value)) {
          if (!forms.has(form)) {
            forms.add(form);
            added++;
          }
        }
      }
      if (added > 0) rebuild();
      return added;
    },
    detect(text: string): CredentialKind | null {
      // A shape first: "a GitHub token" says more than "a configured secret" when both apply.
      const shapeRe = new RegExp(SHAPES_SOURCE, 'g');
      for (let m = shapeRe.exec(text); m !== null; m = shapeRe.exec(text)) {
        const shape = shapeOf(m);
        // A user name alone (ssh://git@host) is no credential; user:password is.
        if (shape.kind === 'url_credentials' && !m[0].slice(m[0].indexOf('://') + 3).includes(':')) continue;
        return { kind: shape.kind, label: shape.label, noun: shape.noun };
      }
      const re = secrets.regex();
      if (re) {
        re.lastIndex = 0;
        if (re.test(text)) return REGISTERED_SECRET;
      }
      return null;
    },
    stream(opts = {}): MaskingStream {
      const first = new StageStream(secretStage(), opts.minAdvance);
      const cut = new StageStream(cutStage(), opts.minAdvance);
      const last = new StageStream(shapeStage(), opts.minAdvance);
      const second = { push: (chunk: string) => last.push(cut.push(chunk)), end: () => last.push(cut.end()) + last.end() };
      return {
        push: (chunk) => second.push(first.push(chunk)),
        end: () => second.push(first.end()) + second.end(),
      };
    },
    get size() {
      return forms.size;
    },
  };
  masker.add(...initial);
  return masker;
}
