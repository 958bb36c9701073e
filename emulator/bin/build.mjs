// Builds the emulator into one CommonJS file that plain `node` loads without a TypeScript
// loader: node_modules/.cache/graph-emulator/emulator.cjs, with a manifest of its inputs
// (size and mtime) so that a start can tell in a few milliseconds whether it is current
// (bundle-files.cjs).
// Usage: node emulator/bin/build.mjs   (emulator/bin/start.cjs runs it on its own when a source changed)
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import files from "./bundle-files.cjs";

export const { ROOT, OUT_DIR, BUNDLE, MANIFEST, stamp, currentBuild, codeCacheFile } = files;

const ENTRY = join(ROOT, "emulator", "src", "main.ts");

/**
 * Bundles `entry` into `outfile` the way the emulator ships: sources compiled by
 * esbuild, whitespace and syntax minified but names kept as written, each
 * source's `import.meta.url` kept as its own file URL (the bundle may live
 * anywhere; `metaUrlFrom(sourcePath)` may give another expression, as the package's
 * bundle does). Used by build(), the package build and the benchmark, which measures this form.
 */
export async function bundle({ entry, outfile, format, sourcemap = "linked", metaUrlFrom, target = `node${process.versions.node.split(".")[0]}` }) {
  const { build: esbuild } = await import("esbuild");
  const metaUrl = {
    name: "import-meta-url",
    setup(b) {
      b.onLoad({ filter: /[\\/]emulator[\\/]src[\\/].*\.ts$/ }, (args) => {
        let text = readFileSync(args.path, "utf8");
        if (text.includes("import.meta.url")) text = text.replaceAll("import.meta.url", metaUrlFrom ? metaUrlFrom(args.path) : JSON.stringify(pathToFileURL(args.path).href));
        return { contents: text, loader: "ts" };
      });
    },
  };
  mkdirSync(dirname(outfile), { recursive: true });
  return esbuild({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format,
    target,
    outfile,
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap,
    sourcesContent: false,
    legalComments: "none",
    metafile: true,
    // Only emu.fetch and the testing helpers load undici, never the command: left out of bundles.
    external: ["undici"],
    plugins: [metaUrl],
    logLevel: "warning",
    // ESM output may still meet CommonJS dependencies that call require().
    ...(format === "esm" ? { banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } } : {}),
  });
}

export async function build() {
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  // A map beside the bundle, for stack traces (node --enable-source-maps); the bundle stays small to read.
  const result = await bundle({ entry: ENTRY, outfile: tmp, format: "cjs" });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(ROOT, input);
    // node_modules change only with the lockfile; sources are checked one by one.
    if (!file.includes(`${"/"}node_modules${"/"}`)) inputs[relative(ROOT, file)] = stamp(file);
  }
  inputs["package-lock.json"] = stamp(join(ROOT, "package-lock.json"));
  inputs[relative(ROOT, fileURLToPath(import.meta.url))] = stamp(fileURLToPath(import.meta.url));
  renameSync(`${tmp}.map`, `${BUNDLE}.map`);
  writeFileSync(BUNDLE, readFileSync(tmp, "utf8").replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=emulator.cjs.map`));
  rmSync(tmp);
  const manifest = { node: process.version, inputs, hash: createHash("sha256").update(readFileSync(BUNDLE)).digest("hex").slice(0, 16) };
  // Code caches of earlier bundles are of no use any more.
  for (const f of readdirSync(OUT_DIR)) if (f.endsWith(".v8cache") && f !== basename(codeCacheFile(manifest))) rmSync(join(OUT_DIR, f), { force: true });
  writeFileSync(MANIFEST, JSON.stringify(manifest));
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await build();
  console.log(`built ${relative(ROOT, BUNDLE)} in ${(performance.now() - t0).toFixed(0)} ms`);
}
