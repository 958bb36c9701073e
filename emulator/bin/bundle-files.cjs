"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
// Where the prebuilt bundle lives and whether it is current: CommonJS, so that `npm start`
// (emulator/bin/start.cjs) can tell without starting Node's ES module loader, which build.mjs needs.
const { readFileSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..", "..");
const OUT_DIR = join(ROOT, "node_modules", ".cache", "graph-emulator");
const BUNDLE = join(OUT_DIR, "emulator.cjs");
const MANIFEST = join(OUT_DIR, "manifest.json");

/** Size and mtime of each input, so a start can tell in a few milliseconds whether the bundle is current. */
function stamp(file) {
  const s = statSync(file);
  return `${s.size}:${Math.floor(s.mtimeMs)}`;
}

/**
 * The manifest of the current bundle (its content hash names the code cache), or
 * undefined when there is none or any input changed since it was built.
 */
function currentBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest.node !== process.version) return undefined;
  try {
    for (const [file, s] of Object.entries(manifest.inputs)) if (stamp(join(ROOT, file)) !== s) return undefined;
    statSync(BUNDLE);
  } catch {
    return undefined;
  }
  return manifest;
}

/** The V8 code cache for a bundle: named by its content hash, as V8 itself only checks the source length. */
function codeCacheFile(manifest) {
  return join(OUT_DIR, `emulator.${manifest.hash}.v8cache`);
}

module.exports = { ROOT, OUT_DIR, BUNDLE, MANIFEST, stamp, currentBuild, codeCacheFile };
