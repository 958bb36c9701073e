"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: runs before any ES module loader */
// Runs the emulator from one prebuilt CommonJS bundle with a V8 code cache, so a start compiles
// next to nothing. Shared by `npm start` (emulator/bin/start.cjs, bundle in node_modules/.cache)
// and the installed command (`graph-emulator`, bundle in the package's dist/bin, code cache in the
// user's cache folder: nothing is ever written into the installed package).
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");

// Token signing (RS256) runs on libuv's thread pool. Its default of four threads, next to the event
// loop, is more busy threads than a machine with fewer cores has: keep it to the cores left beside
// the event loop (at least one, at most four), unless set. On two cores, one signing thread beside
// the event loop signed 2,660-2,740 tokens/s where two did 2,220-2,390 (npm run bench, token with
// wrk): the second one only takes turns with the event loop. File writes share the pool, so a
// write waits for the signatures queued before it (about 0.3 ms each). Must run before anything
// starts the pool.
function sizeThreadPool() {
  process.env.UV_THREADPOOL_SIZE ??= String(Math.min(4, Math.max(1, require("node:os").availableParallelism() - 1)));
}

/**
 * Runs `bundle` (CommonJS source) in this context. `cacheFile`, when given, holds V8's code cache
 * for exactly this bundle: read when present, otherwise written a few seconds after start (what
 * start-up compiled) and again at exit. A cache that cannot be written only costs speed.
 */
function runBundle(bundle, cacheFile) {
  const source = readFileSync(bundle, "utf8");
  const cachedData = cacheFile && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    const saveCache = () => {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // A read-only or missing cache folder only makes the next start a little slower.
      }
    };
    process.once("exit", saveCache);
    setTimeout(saveCache, 3000).unref();
  }
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle));
}

module.exports = { runBundle, sizeThreadPool };
