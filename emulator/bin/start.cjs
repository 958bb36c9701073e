#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
"use strict";
// `npm start` in this repository: runs the emulator from one prebuilt CommonJS bundle instead of
// compiling TypeScript module by module on every start (tsx), and lets V8 reuse the code it
// compiled on the previous start (run-bundle.cjs). The bundle is rebuilt here first whenever a
// source file changed (emulator/bin/build.mjs, a second or two). Without esbuild, it falls back
// to running the TypeScript sources through tsx. (The installed package runs dist/bin instead.)
//
// CommonJS, so that the first lines below run before anything starts libuv's thread pool (an ES
// module entry is itself read through it).
//
// package.json's start script runs this file with `node --v8-pool-size=1`: one thread for V8's
// background work, which on a two-core machine makes a large state folder load faster (README,
// "How `npm start` starts fast"). That has to be a command-line flag: it sizes a pool that exists
// before this file runs. V8 flags stay at their defaults, as any of them costs every start Node's
// built-in code cache.
const { runBundle, sizeThreadPool } = require("./run-bundle.cjs");
sizeThreadPool();

const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

async function main() {
  const { BUNDLE, codeCacheFile, currentBuild } = require("./bundle-files.cjs");
  let manifest = currentBuild();
  if (!manifest) {
    try {
      process.stderr.write("graph-emulator: building the emulator (a source changed since the last start)...\n");
      const { build } = await import(pathToFileURL(join(__dirname, "build.mjs")).href);
      manifest = await build();
    } catch (err) {
      process.stderr.write(`graph-emulator: could not build (${err.message}); running the TypeScript sources through tsx instead.\n`);
    }
  }
  if (!manifest) {
    const { register } = await import("tsx/esm/api");
    register();
    await import(pathToFileURL(join(__dirname, "..", "src", "main.ts")).href);
    return;
  }
  runBundle(BUNDLE, codeCacheFile(manifest));
}

main().catch((err) => {
  console.error("graph-emulator: failed to start:", err);
  process.exit(1);
});
