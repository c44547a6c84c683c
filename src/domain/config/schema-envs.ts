/** `envs:` in packbot.yaml: which environments packbot builds for packs, and where StackStorm finds them. */
import { z } from 'zod';
import { expected } from './messages.js';
import { path, strict } from './schema-parts.js';

const yamlOff = (v: unknown) => (v === false ? 'off' : v);
const pythonEnv = z.preprocess(yamlOff, z.enum(['off', 'venv'], { error: expected('off or venv') })).default('off');
const nodeEnv = z.preprocess(yamlOff, z.enum(['off', 'npm'], { error: expected('off or npm') })).default('off');
/** StackStorm's actionrunner.python_binary: what pack envs are made from (a command on PATH, or an absolute path). */
const PYTHON_BINARY_HINT = 'a python interpreter: a command on PATH like python3, or an absolute path like /opt/stackstorm/st2/bin/python';
const pythonBinary = z.string({ error: expected(PYTHON_BINARY_HINT) }).min(1, { message: `expected ${PYTHON_BINARY_HINT}` })
  .refine((p) => !p.includes('/') || p.startsWith('/'), { message: `expected ${PYTHON_BINARY_HINT} (a relative path would depend on the working directory)` })
  .default('python3');

// virtualenvs_dir: where StackStorm's python runner looks, <base_path>/virtualenvs; its default
// (beside packs_dir) is filled in by the config schema, which knows packs_dir.
export const envsSchema = strict({ python: pythonEnv, node: nodeEnv, virtualenvs_dir: path.optional(), python_binary: pythonBinary });
