#!/usr/bin/env node
// The `runbooks` command line. Runs on Node 24 (the `node` devDependency), which executes
// TypeScript directly; use it through `npm run runbooks -- …` or `npx runbooks …`.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
