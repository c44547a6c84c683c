import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_PACKS = fileURLToPath(new URL('../../examples/demo-packs/packs', import.meta.url));

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'packbot-packs-'));
}

/** A small valid pack: one python action. */
export const BASE_PACK: Record<string, string> = {
  'pack.yaml': 'name: demo\ndescription: A demo pack.\nversion: 1.0.0\nauthor: Ops\n',
  'actions/run.yaml': 'name: run\nrunner_type: python-script\nentry_point: run.py\n',
  'actions/run.py': 'print("hi")\n',
};

/**
 * Writes a pack into `<fresh temp dir>/<name>` (the name matters for ref derivation); a null
 * value removes a file of the base pack.
 */
export async function writePack(files: Record<string, string | null>, opts: { name?: string; base?: Record<string, string> } = {}): Promise<string> {
  const dir = path.join(await tempDir(), opts.name ?? 'demo');
  await mkdir(dir, { recursive: true });
  const all: Record<string, string | null> = { ...(opts.base ?? BASE_PACK), ...files };
  for (const [rel, text] of Object.entries(all)) {
    const file = path.join(dir, rel);
    if (text === null) {
      await rm(file, { force: true });
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return dir;
}

/** A copy of one of the bundled demo packs in a temp dir. */
export async function copyDemoPack(name: string): Promise<string> {
  const dir = path.join(await tempDir(), name);
  await cp(path.join(DEMO_PACKS, name), dir, { recursive: true });
  return dir;
}
