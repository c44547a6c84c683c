/** `node dist/bench/aliases-run.js`: the alias bench alone, one JSON document on stdout. */
import { benchAliases } from './aliases.js';

process.stdout.write(`${JSON.stringify({ node: process.version, aliases: await benchAliases() }, null, 2)}\n`);
