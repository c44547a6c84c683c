#!/usr/bin/env node
// The `packbot` executable: the one place that joins the concrete adapters to the app.
import { adapterKit } from '../adapters/index.js';
import { main } from '../src/app/main.js';

process.exitCode = await main(process.argv, adapterKit);
