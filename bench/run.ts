/**
 * `npm run bench`: every benchmark, one JSON document on stdout. Each figure is measured
 * against a baseline taken in the same run, so results compare across machines.
 */
import { benchAliases } from './aliases.js';
import { benchAutodeploy } from './autodeploy.js';
import { benchDeploy } from './deploy.js';
import { benchLag } from './lag.js';
import { benchQueue } from './queue.js';
import { benchRegistry } from './registry.js';
import { benchStartup } from './startup.js';

const results: Record<string, unknown> = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  started_at: new Date().toISOString(),
  aliases: await benchAliases(),
  deploy: await benchDeploy(),
  queue: await benchQueue(),
  autodeploy: await benchAutodeploy(),
  lag: await benchLag(),
  registry: await benchRegistry(),
  startup: await benchStartup(),
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
