/**
 * Hand-made tar archives for hostile-input tests: node-tar's Pack sanitises names and refuses
 * odd types, so these ustar headers are written byte by byte (checksum included).
 */
import { gzipSync } from 'node:zlib';

export interface TarEntrySpec {
  name: string;
  /** ustar typeflag: '0' file, '1' hard link, '2' symlink, '3' char dev, '4' block dev, '5' dir, '6' FIFO, 'g'/'x' pax. */
  type?: string;
  mode?: number;
  data?: Buffer | string;
  linkname?: string;
  /** Size written in the header when it should differ from the data's length. */
  size?: number;
}

function putString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(block, offset);
}

function putOctal(block: Buffer, offset: number, length: number, value: number): void {
  putString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

export function tarHeader(spec: TarEntrySpec, size: number): Buffer {
  const block = Buffer.alloc(512);
  putString(block, 0, 100, spec.name);
  putOctal(block, 100, 8, spec.mode ?? 0o644);
  putOctal(block, 108, 8, 0);
  putOctal(block, 116, 8, 0);
  putOctal(block, 124, 12, size);
  putOctal(block, 136, 12, 1_700_000_000);
  block.fill(0x20, 148, 156);
  putString(block, 156, 1, spec.type ?? '0');
  putString(block, 157, 100, spec.linkname ?? '');
  putString(block, 257, 6, 'ustar\0');
  putString(block, 263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  putString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** A pax record "<len> key=value\n", whose length counts its own digits. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len += 1;
  return `${len}${body}`;
}

export function buildTar(entries: readonly TarEntrySpec[], trailer: Buffer = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [];
  for (const spec of entries) {
    const data = Buffer.from(spec.data ?? '');
    parts.push(tarHeader(spec, spec.size ?? data.length));
    if (data.length > 0) {
      parts.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024), trailer);
  return Buffer.concat(parts);
}

export function buildTarGz(entries: readonly TarEntrySpec[], trailer?: Buffer): Buffer {
  return gzipSync(buildTar(entries, trailer));
}
