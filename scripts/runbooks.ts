#!/usr/bin/env -S node --liftoff-only
// The `runbooks` command line. Runs on Node 24 (the `node` devDependency), which executes
// TypeScript directly; use it through `npm run runbooks -- …` or `npx runbooks …`.
//
// --liftoff-only keeps V8 to its baseline WebAssembly compiler. By default it recompiles the
// SQL parsers' busy functions (libpg_query, very large modules) with its optimizing compiler
// in the background, and that compilation made `runbooks lint` of the library peak at 1.1 GB
// (one snippet: 600 MB). Without it the peak is a fifth of that and lint is faster: a run
// parses too little for optimized code to pay off. V8 reads the flag only at start-up, hence
// here and in package.json's scripts rather than in the code that loads the parsers.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
