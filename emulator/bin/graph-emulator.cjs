#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: runs before any ES module loader */
"use strict";
// The installed `graph-emulator` command (package.json "bin"; copied to dist/bin by the package
// build, next to the prebuilt bundle emulator.cjs). It runs the bundle with a V8 code cache kept in
// the user's cache folder (GRAPH_EMULATOR_CACHE_DIR, else XDG_CACHE_HOME or ~/.cache, or
// %LOCALAPPDATA% on Windows), so nothing is written inside the installed package.
const { runBundle, sizeThreadPool } = require("./run-bundle.cjs");
sizeThreadPool();

const { homedir } = require("node:os");
const { join } = require("node:path");

function cacheDir() {
  if (process.env.GRAPH_EMULATOR_CACHE_DIR) return process.env.GRAPH_EMULATOR_CACHE_DIR;
  const base = process.platform === "win32" ? process.env.LOCALAPPDATA : process.env.XDG_CACHE_HOME;
  try {
    return join(base || join(homedir(), ".cache"), "graph-emulator");
  } catch {
    return undefined; // no home folder: run without a code cache
  }
}

// The bundle's content hash (written by the package build) names its code cache.
const { hash } = require("./bundle.json");
const dir = cacheDir();
runBundle(join(__dirname, "emulator.cjs"), dir && join(dir, `emulator-${hash}-${process.version}.v8cache`));
