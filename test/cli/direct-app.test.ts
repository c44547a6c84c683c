/**
 * The app a direct command (`packbot deploy`, `packbot install`) runs on builds only what
 * that command uses. Chat's command syntax (the alias files: read, compiled, checked for
 * collisions) is none of it: a direct command goes around the dispatcher, so building the
 * alias table there is start-up spent on every deploy for nothing (issue 19).
 */
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/cli/direct.js';
import { tempDir, writeConfig } from '../helpers/config.js';

describe('the app of a direct command', () => {
  it('compiles no chat aliases, and still starts and stops', async () => {
    const dir = await tempDir('packbot-direct-');
    const file = await writeConfig(`state_dir: ${path.join(dir, 'var')}\nlog: {level: silent}\nrepositories: {}\n`, dir);
    const program = new Command('packbot').option('-c, --config <file>');
    program.setOptionValue('config', file);
    const { rt, app } = await startApp(program);
    try {
      expect(rt.aliases.definitions).toEqual([]);
      expect(app.services.permissions).toBeDefined();
    } finally {
      await app.stop();
    }
  });
});
