#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
"use strict";
// `npm start`: runs the emulator from one prebuilt CommonJS bundle instead of
// compiling TypeScript module by module on every start (tsx), and lets V8
// reuse the code it compiled on the previous start (a code cache beside the
// bundle). The bundle is rebuilt here first whenever a source file changed
// (emulator/bin/build.mjs, a second or two). Without esbuild, it falls back
// to running the TypeScript sources through tsx.
//
// CommonJS, so that the first lines below run before anything starts libuv's
// thread pool (an ES module entry is itself read through it).
//
// package.json's start script runs this file with `node --v8-pool-size=1`: one thread for V8's
// background work, which on a two-core machine makes a large state folder load faster (README,
// "How `npm start` starts fast"). That has to be a command-line flag: it sizes a pool that exists
// before this file runs. V8 flags stay at their defaults, as any of them costs every start Node's
// built-in code cache.

// Token signing (RS256) runs on libuv's thread pool. Its default of four threads, next to the event
// loop, is more busy threads than a machine with fewer cores has: keep it to the cores (at least two,
// for file writes beside signing), unless set.
process.env.UV_THREADPOOL_SIZE ??= String(Math.min(4, Math.max(2, require("node:os").availableParallelism())));

const { existsSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname, join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { Script } = require("node:vm");

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
  const cacheFile = codeCacheFile(manifest);
  const source = readFileSync(BUNDLE, "utf8");
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
  });
  // Without a usable cache, this run writes one: what V8 compiled for start-up after a few seconds,
  // and again at exit with the request handling compiled since.
  const needsCache = cachedData === undefined || script.cachedDataRejected;
  const saveCache = () => {
    if (!needsCache) return;
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install only starts a little slower.
    }
  };
  process.once("exit", saveCache);
  setTimeout(saveCache, 3000).unref();
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, createRequire(BUNDLE), bundleModule, BUNDLE, dirname(BUNDLE));
}

main().catch((err) => {
  console.error("graph-emulator: failed to start:", err);
  process.exit(1);
});
