/**
 * docs/operating.md (and examples/packbot.service) against the code they describe, so the
 * operator's guide cannot drift into telling people to run what does not exist:
 *
 * - every `packbot …` invocation (a code span or a shell line starting with it, or the unit's
 *   Exec lines) names commands and options the program built by buildProgram really has;
 * - every dotted config key in backticks (`envs.virtualenvs_dir`) is a key of the config's
 *   JSON Schema (file names like `snapshot.json` are not keys);
 * - every ```yaml block is a packbot.yaml the real parser accepts.
 *
 * All in-process: the program is built with an adapter kit that is never called.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/app/main.js';
import type { AdapterKit } from '../../src/app/adapter-kit.js';
import { configJsonSchema, parseConfig } from '../../src/domain/config/index.js';
import { isPackbotError } from '../../src/core/errors.js';
import { ROOT } from '../helpers/cli.js';

const UNUSED_KIT: AdapterKit = {
  create: () => { throw new Error('not used while commands are registered'); },
  consoleFinished: () => undefined,
};

const GUIDE = path.join(ROOT, 'docs', 'operating.md');
const UNIT = path.join(ROOT, 'examples', 'packbot.service');

/** What's wrong with one `packbot …` invocation (its words after the program), or null. */
function invocationProblem(program: Command, words: string[]): string | null {
  let cmd = program;
  let i = 0;
  const takesValue = (c: Command, flag: string) => {
    const opt = [...c.options, ...(c === program ? [] : program.options)].find((o) => o.long === flag || o.short === flag);
    return opt ? opt.required || opt.optional : undefined;
  };
  const isOption = (c: Command, flag: string) => flag === '--help' || flag === '-h' || takesValue(c, flag) !== undefined;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('-')) {
      const flag = w.split('=')[0]!;
      // Global options go before the command (README says so); commander reads them there.
      if (!isOption(cmd, flag)) return `unknown option ${flag} for ${cmd === program ? 'packbot' : `packbot ${cmd.name()}`}`;
      if (!w.includes('=') && takesValue(cmd, flag)) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w);
    if (sub) { cmd = sub; continue; }
    if (cmd.commands.length > 0) return `unknown command ${w} under ${cmd === program ? 'packbot' : cmd.name()}`;
    // An argument of a leaf command (a repository, a pack, a placeholder like <file>).
  }
  if (cmd.commands.length > 0 && cmd !== program) return `${cmd.name()} needs a subcommand (${cmd.commands.map((c) => c.name()).join(', ')})`;
  return null;
}

/** Shell words of a command line, up to where another command starts or a comment begins. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const w of line.trim().split(/\s+/)) {
    if (/^(#|\||&&|\|\||;|>|2>|<)/.test(w)) break;
    out.push(w.replace(/^["']|["']$/g, ''));
  }
  return out;
}

const PROGRAM_WORD = /^(?:\S*\/)?packbot(?:\.js)?$/;

/**
 * Every `packbot …` invocation in the guide: code spans and shell lines whose command is
 * packbot, after what only sets up how it runs (`$ `, `sudo -u packbot`, `env VAR=…`, `node`).
 */
function guideInvocations(md: string): string[][] {
  const found: string[][] = [];
  const fromLine = (line: string) => {
    const command = line.trim()
      .replace(/^\$\s+/, '')
      .replace(/^sudo\s+(-u\s+\S+\s+)?(--\s+)?/, '')
      .replace(/^(env\s+)?([A-Z_][A-Z0-9_]*=\S*\s+)*/, '')
      .replace(/^(\S*\/)?node\s+/, '');
    const w = words(command);
    if (w.length > 0 && PROGRAM_WORD.test(w[0]!)) found.push(w.slice(1));
  };
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const open = /^```(\w*)/.exec(line);
    if (open) { fence = fence === null ? open[1]! : null; continue; }
    if (fence !== null) {
      if (['sh', 'bash', 'shell', 'console', ''].includes(fence)) fromLine(line);
      continue;
    }
    for (const span of line.matchAll(/`([^`]+)`/g)) fromLine(span[1]!);
  }
  return found;
}

/** The unit's Exec lines: `ExecStart=/usr/bin/node /opt/packbot/dist/bin/packbot.js serve`. */
function unitInvocations(unit: string): string[][] {
  const found: string[][] = [];
  for (const line of unit.split('\n')) {
    const m = /^Exec\w*=[-@+!:]*(.*)$/.exec(line.trim());
    if (!m) continue;
    const w = words(m[1]!);
    const start = w.findIndex((x) => PROGRAM_WORD.test(x));
    if (start >= 0) found.push(w.slice(start + 1));
  }
  return found;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

/** Whether `a.b.c` (with `<name>` standing for any key of a mapping) is a key path of the schema. */
function hasKeyPath(root: JsonSchema, keys: string[]): boolean {
  const deref = (s: JsonSchema): JsonSchema => {
    if (!s.$ref) return s;
    const name = s.$ref.split('/').pop()!;
    return deref((root.$defs ?? root.definitions ?? {})[name] ?? {});
  };
  const walk = (s: JsonSchema, rest: string[]): boolean => {
    const node = deref(s);
    if (rest.length === 0) return true;
    const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
    if (alternatives.some((alt) => walk(alt, rest))) return true;
    const [key, ...more] = rest as [string, ...string[]];
    const prop = node.properties?.[key];
    if (prop && walk(prop, more)) return true;
    const extra = node.additionalProperties;
    return typeof extra === 'object' && /^<[\w-]+>$/.test(key) && walk(extra, more);
  };
  return walk(root, keys);
}

/** Backticked `lower_snake.dotted` words that are not file names: config keys. */
function dottedKeys(md: string): string[] {
  const keys = new Set<string>();
  for (const span of md.matchAll(/`([a-z_<>-]+(?:\.[a-z0-9_<>-]+)+)`/g)) {
    const key = span[1]!;
    if (/\.(json|jsonl|yaml|yml|conf|service|md|ts|js|txt|lock|pth|sock|rdb|aof|tar|gz)$/.test(key)) continue;
    keys.add(key);
  }
  return [...keys];
}

function yamlBlocks(md: string): string[] {
  return [...md.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** Any `${VAR}` a snippet names gets a value long enough to be a credential. */
const ENV = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? `placeholder-${name.toLowerCase()}-0123456789` : undefined) }) as Record<string, string>;

describe('docs/operating.md', () => {
  it('runs only commands and options the CLI has (and so does the systemd unit)', async () => {
    const [guide, unit] = await Promise.all([readFile(GUIDE, 'utf8'), readFile(UNIT, 'utf8')]);
    const program = buildProgram(UNUSED_KIT);
    const fromGuide = guideInvocations(guide);
    const fromUnit = unitInvocations(unit);
    expect(fromGuide.length, 'the guide shows packbot commands').toBeGreaterThan(5);
    expect(fromUnit.length, 'the unit runs packbot').toBeGreaterThan(0);
    const problems = [...fromGuide, ...fromUnit]
      .map((w) => ({ w, problem: invocationProblem(program, w) }))
      .filter((p) => p.problem !== null)
      .map((p) => `packbot ${p.w.join(' ')}: ${p.problem}`);
    expect(problems).toEqual([]);
  });

  it('the unit stops retrying on the exit status the CLI gives a config problem', async () => {
    const { EXIT_CONFIG } = await import('../../src/app/cli/errors.js');
    const unit = await readFile(UNIT, 'utf8');
    expect(unit).toMatch(new RegExp(`^RestartPreventExitStatus=${EXIT_CONFIG}$`, 'm'));
    expect(await readFile(GUIDE, 'utf8')).toContain(`exits **${EXIT_CONFIG}**`);
  });

  it('names only config keys the schema has', async () => {
    const guide = await readFile(GUIDE, 'utf8');
    const schema = configJsonSchema() as JsonSchema;
    const keys = dottedKeys(guide);
    expect(keys.length, 'the guide names config keys').toBeGreaterThan(5);
    expect(keys.filter((k) => !hasKeyPath(schema, k.split('.')))).toEqual([]);
  });

  it('shows only YAML the config loader accepts', async () => {
    const guide = await readFile(GUIDE, 'utf8');
    const blocks = yamlBlocks(guide);
    expect(blocks.length).toBeGreaterThan(0);
    const refused: string[] = [];
    for (const [n, text] of blocks.entries()) {
      try {
        parseConfig(text, { file: path.join(ROOT, 'docs', `snippet-${n + 1}.yaml`), env: ENV });
      } catch (err) {
        refused.push(`yaml block ${n + 1}: ${isPackbotError(err) ? err.describe() : String(err)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('the checker itself tells a wrong command or option from a right one', () => {
    const program = buildProgram(UNUSED_KIT);
    expect(invocationProblem(program, ['config', 'check'])).toBeNull();
    expect(invocationProblem(program, ['--config', '/etc/packbot/packbot.yaml', 'serve'])).toBeNull();
    expect(invocationProblem(program, ['deploy', 'st2contrib', 'docker', '--dry-run', '--user', 'cli:ops'])).toBeNull();
    expect(invocationProblem(program, ['serve', '--drain'])).toMatch(/unknown option --drain/);
    expect(invocationProblem(program, ['config', 'validate'])).toMatch(/unknown command validate/);
    expect(invocationProblem(program, ['config'])).toMatch(/needs a subcommand/);
    const schema = configJsonSchema() as JsonSchema;
    expect(hasKeyPath(schema, ['envs', 'virtualenvs_dir'])).toBe(true);
    expect(hasKeyPath(schema, ['repositories', '<name>', 'branch'])).toBe(true);
    expect(hasKeyPath(schema, ['logging', 'level'])).toBe(false);
  });
});
