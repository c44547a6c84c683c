/**
 * Streaming masking for child-process output (pip, npm, register hooks): chunks in, masked
 * text out, a secret or token split across chunks (or across lines, like a PEM key) still
 * masked. Built on Masker.stream(), which holds back a bounded tail until more arrives.
 */
import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import type { Masker } from './masker.js';

/** A Transform: bytes or strings in, masked UTF-8 text out (a character split across chunks is kept whole). */
export function maskingTransform(masker: Masker): Transform {
  const stream = masker.stream();
  const decoder = new StringDecoder('utf8');
  return new Transform({
    decodeStrings: false,
    transform(chunk: Buffer | string, _encoding, done) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const out = stream.push(text);
      done(null, out === '' ? undefined : out);
    },
    flush(done) {
      const out = stream.push(decoder.end()) + stream.end();
      done(null, out === '' ? undefined : out);
    },
  });
}

export interface LineMasker {
  /** Text as it arrives (any chunking). */
  write(text: string): void;
  /** The input has ended: emit what is held. Idempotent. */
  end(): void;
}

/** Masks a stream of text and hands on complete lines (without their newline), masked. */
export function maskedLines(masker: Masker, onLine: (line: string) => void): LineMasker {
  const stream = masker.stream();
  let partial = '';
  let ended = false;
  const emit = (text: string, last: boolean) => {
    const lines = (partial + text).split(/\r?\n/);
    partial = last ? '' : (lines.pop() ?? '');
    for (const line of last && lines.at(-1) === '' ? lines.slice(0, -1) : lines) onLine(line);
  };
  return {
    write(text) {
      if (!ended) emit(stream.push(text), false);
    },
    end() {
      if (ended) return;
      ended = true;
      emit(stream.end(), true);
    },
  };
}

/**
 * The same as an execa generator transform: `stdout: maskedOutput(masker, sink)`. execa hands
 * the transform one line at a time (newline stripped); final() flushes the held tail.
 */
export function maskedOutput(masker: Masker, onLine: (line: string) => void): {
  transform: (line: unknown) => Generator<never, void, unknown>;
  final: () => Generator<never, void, unknown>;
  lines: LineMasker;
} {
  const lines = maskedLines(masker, onLine);
  return {
    lines,
    *transform(line: unknown) {
      lines.write(`${String(line)}\n`);
    },
    *final() {
      lines.end();
    },
  };
}
