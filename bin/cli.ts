#!/usr/bin/env node
// The `packbot` executable: the one place that joins the concrete adapters to the app.
// The kit loads an adapter (and its chat SDK) only when a command creates it: start-up stays light.
// `npm run build` bundles this entry into dist/bin/packbot.js (scripts/bundle.mjs), the file
// users and tests run; node dist/bin/cli.js runs the same program unbundled.
import { adapterKit } from '../adapters/kit.js';
import { main } from '../src/app/main.js';

process.exitCode = await main(process.argv, adapterKit);
