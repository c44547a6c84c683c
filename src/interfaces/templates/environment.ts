import Handlebars from 'handlebars';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_TEMPLATES } from './defaults.js';
import { DEPLOY_TEMPLATES } from './deploy.js';
import { COORD_TEMPLATES } from './coord.js';
import { NOTIFY_TEMPLATES } from './notify.js';
import { SECURITY_TEMPLATES } from './security.js';
import { PLAN_TEMPLATES } from './plan.js';
import { STATUS_TEMPLATES } from './status.js';
import { registerHelpers } from './helpers.js';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';

export interface Templates {
  /** Render `name` for `platform`, falling back to the shared template. */
  render(name: string, platform: string, data: Record<string, unknown>): string;
  has(name: string): boolean;
}

type Compiled = Handlebars.TemplateDelegate<Record<string, unknown>>;

/**
 * One isolated handlebars environment per app. Templates are compiled once, here; chat
 * is not HTML, so nothing is HTML-escaped (platform escaping is the adapter's job).
 */
export async function createTemplates(opts: { dir?: string } = {}): Promise<Templates> {
  const hb = Handlebars.create();
  registerHelpers(hb);
  const sources = new Map<string, string>([...Object.entries(DEFAULT_TEMPLATES), ...Object.entries(DEPLOY_TEMPLATES), ...Object.entries(COORD_TEMPLATES), ...Object.entries(NOTIFY_TEMPLATES), ...Object.entries(SECURITY_TEMPLATES), ...Object.entries(STATUS_TEMPLATES), ...Object.entries(PLAN_TEMPLATES)]);
  if (opts.dir) {
    for (const [name, source] of await readTemplateDir(opts.dir)) sources.set(name, source);
  }
  const compiled = new Map<string, Compiled>();
  const problems: string[] = [];
  for (const [name, source] of sources) {
    try {
      hb.precompile(source); // surfaces syntax errors now rather than at the first reply
      compiled.set(name, hb.compile(source, { noEscape: true, strict: false }));
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (problems.length > 0) {
    throw new PackbotError('config_invalid', `${problems.length} template(s) failed to compile; fix them in templates.dir`, {
      details: problems,
    });
  }
  return {
    render(name, platform, data) {
      const template = compiled.get(`${name}.${platform}`) ?? compiled.get(name);
      if (!template) throw new PackbotError('internal', `no template named "${name}"`);
      // Plain data only: whatever a caller passed, a template sees values, never objects with
      // behaviour (a config, a client) it could walk into.
      return template(plainView(data), { data: { platform } }).replace(/\n{3,}/g, '\n\n').trim();
    },
    has: (name) => compiled.has(name),
  };
}

/** A deep copy holding only JSON values: strings, numbers, booleans, null, arrays, plain objects. */
export function plainView(data: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))) as Record<string, unknown>;
}

async function readTemplateDir(dir: string): Promise<Array<[string, string]>> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    throw new PackbotError('config_invalid', `templates.dir ${dir} cannot be read (${errnoCode(err)}); fix the path in packbot.yaml`);
  }
  const out: Array<[string, string]> = [];
  for (const file of entries.filter((f) => f.endsWith('.hbs')).sort()) {
    out.push([file.slice(0, -'.hbs'.length), await readFile(path.join(dir, file), 'utf8')]);
  }
  return out;
}
