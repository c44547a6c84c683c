import type Handlebars from 'handlebars';
import { createRequire } from 'node:module';
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
 * One isolated handlebars environment per app. Each template is compiled once, when first used; chat
 * is not HTML, so nothing is HTML-escaped (platform escaping is the adapter's job).
 */
export async function createTemplates(opts: { dir?: string } = {}): Promise<Templates> {
  const sources = new Map<string, string>([...Object.entries(DEFAULT_TEMPLATES), ...Object.entries(DEPLOY_TEMPLATES), ...Object.entries(COORD_TEMPLATES), ...Object.entries(NOTIFY_TEMPLATES), ...Object.entries(SECURITY_TEMPLATES), ...Object.entries(STATUS_TEMPLATES), ...Object.entries(PLAN_TEMPLATES)]);
  const overrides = opts.dir ? await readTemplateDir(opts.dir) : [];
  for (const [name, source] of overrides) sources.set(name, source);
  // handlebars loads (and each template compiles) at the first reply that needs it: most CLI
  // commands render nothing, and loading it plus parsing every bundled template cost each of
  // them ~0.15 s. An operator's templates are parsed now all the same, so a syntax error
  // stops start-up rather than the first reply; the bundled ones are rendered by their tests.
  let env: typeof Handlebars | undefined;
  const handlebars = () => (env ??= newEnvironment());
  if (overrides.length > 0) {
    const problems: string[] = [];
    for (const [name, source] of overrides) {
      try {
        handlebars().precompile(source);
      } catch (err) {
        problems.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    if (problems.length > 0) {
      throw new PackbotError('config_invalid', `${problems.length} template(s) failed to compile; fix them in templates.dir`, {
        details: problems,
      });
    }
  }
  const compiled = new Map<string, Compiled>();
  const template = (name: string): Compiled | undefined => {
    const source = sources.get(name);
    if (source === undefined) return undefined;
    let done = compiled.get(name);
    if (!done) compiled.set(name, (done = handlebars().compile(source, { noEscape: true, strict: false })));
    return done;
  };
  return {
    render(name, platform, data) {
      const found = template(`${name}.${platform}`) ?? template(name);
      if (!found) throw new PackbotError('internal', `no template named "${name}"`);
      // Plain data only: whatever a caller passed, a template sees values, never objects with
      // behaviour (a config, a client) it could walk into.
      return found(plainView(data), { data: { platform } }).replace(/\n{3,}/g, '\n\n').trim();
    },
    has: (name) => sources.has(name),
  };
}

/** An isolated handlebars environment with packbot's helpers (require: render is synchronous). */
function newEnvironment(): typeof Handlebars {
  const hb = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
  registerHelpers(hb);
  return hb;
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
