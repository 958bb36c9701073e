// Builds what the npm package ships, into dist/ (package.json "files"):
//   dist/emulator/src, dist/client/src   ES modules with .d.ts and source maps (tsc, tsconfig.build.json)
//   dist/fixtures                        the bundled tenant and calendar fixtures
//   dist/bin                             the `graph-emulator` command: one prebuilt CommonJS bundle of the
//                                        emulator's entry point, its launcher, and a health check
// Runs from `prepare`, so `npm pack`, `npm publish` and installs from git build it; nothing is built
// in a user's node_modules at run time.
// Usage: node emulator/bin/build-package.mjs
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { bundle, ROOT } from "./build.mjs";

const DIST = join(ROOT, "dist");
const BIN = join(DIST, "bin");

export async function buildPackage() {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], { stdio: ["ignore", 2, 2], cwd: ROOT });
  for (const part of ["tenants", "calendar"]) cpSync(join(ROOT, "fixtures", part), join(DIST, "fixtures", part), { recursive: true });
  const outfile = join(BIN, "emulator.cjs");
  await bundle({
    entry: join(ROOT, "emulator", "src", "main.ts"),
    outfile,
    format: "cjs",
    sourcemap: false,
    // What the package supports (package.json engines), whichever Node builds it.
    target: "node20.19",
    // Each source's import.meta.url becomes the URL of its compiled twin under dist/, found from the
    // bundle's own folder at run time, so fixtures resolve wherever the package is installed.
    metaUrlFrom: (source) => {
      const twin = relative(BIN, join(DIST, relative(ROOT, source))).replace(/\.ts$/, ".js").split("\\").join("/");
      return `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(twin)})).href`;
    },
  });
  const hash = createHash("sha256").update(readFileSync(outfile)).digest("hex").slice(0, 16);
  writeFileSync(join(BIN, "bundle.json"), JSON.stringify({ hash }));
  for (const f of ["run-bundle.cjs", "graph-emulator.cjs", "healthcheck.cjs"]) copyFileSync(join(ROOT, "emulator", "bin", f), join(BIN, f));
  for (const f of ["graph-emulator.cjs", "healthcheck.cjs"]) chmodSync(join(BIN, f), 0o755);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await buildPackage();
  process.stderr.write(`built ${relative(process.cwd(), DIST) || "dist"} in ${(performance.now() - t0).toFixed(0)} ms\n`);
}
