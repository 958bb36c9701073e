import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/src/index.ts";
import { loadOrCreateTls } from "../emulator/src/tls/certificates.ts";
import { ALL_BEHAVIOUR } from "./behaviour/index.ts";
import { ALL_CASES } from "./cases/index.ts";
import { fakeLiveEnvironment } from "./fake-live.ts";
import { formatOutcome, livePlan, runLive, summary } from "./live-report.ts";
import { LIVE_VARIABLES, liveTarget, missingLiveVariables } from "./target.ts";

/**
 * `npm run test:contracts:live`: every live-runnable contract case against a
 * live test tenant, with a per-case report. With no variables it says what it
 * needs and which cases would run; `--fake` runs the same against an emulator
 * that only pretends to be live (its control plane used for setup only).
 * Resolves with the exit code: 0 all passed, 1 a case differs, 2 variables missing.
 */
/** Everything a live run covers: the error cases, then the behaviour checks. */
export const LIVE_ITEMS = [...ALL_CASES, ...ALL_BEHAVIOUR];

export async function liveCli(args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  if (args.includes("--help")) {
    log(USAGE);
    return 0;
  }
  const jsonAt = args.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;

  const printPlan = (): void => {
    const { runs, notRunnable } = livePlan(LIVE_ITEMS);
    log(`\nWith them set, ${runs.length} of ${LIVE_ITEMS.length} cases would run live:`);
    for (const c of runs) log(`  ${c.id}: ${c.title}`);
    log(`\n${notRunnable.length} cases are not runnable live:`);
    for (const { c, reason } of notRunnable) log(`  ${c.id}: ${reason}`);
  };

  const run = async (runEnv: NodeJS.ProcessEnv): Promise<number> => {
    const target = liveTarget(runEnv);
    log(`Contract cases against ${target.authorityHost} and ${target.graphBaseUrl} (tenant ${target.tenantId})\n`);
    const outcomes = await runLive(target, LIVE_ITEMS, (o) => log(formatOutcome(o)));
    const s = summary(outcomes);
    log(`\n${s.passed} passed, ${s.differs} differ, ${s.accepted} differ as accepted, ${s.notRunnable} not runnable live`);
    if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ target: { kind: target.kind, authorityHost: target.authorityHost, graphBaseUrl: target.graphBaseUrl, controlPlane: target.admin !== undefined }, summary: s, outcomes }, null, 2)}\n`);
    return s.differs > 0 ? 1 : 0;
  };

  const fake = async (): Promise<number> => {
    // GRAPH_FAKE_LIVE_TLS_DIR: a folder with the emulator's certificates (made when absent); when
    // NODE_EXTRA_CA_CERTS already holds its CA, the run needs no second process.
    const given = env.GRAPH_FAKE_LIVE_TLS_DIR;
    const dir = given ?? mkdtempSync(join(tmpdir(), "graph-fake-live-"));
    const caFile = (await loadOrCreateTls(dir)).caFile;
    if (!caFile) throw new Error("the emulator's CA was not written to disk");
    if (!trusts(caFile)) {
      // Node reads NODE_EXTRA_CA_CERTS only at start: run again trusting the emulator's CA, as a user would.
      const child = spawnSync(process.execPath, [...process.execArgv, ENTRY, ...args], {
        stdio: "inherit",
        env: { ...env, NODE_EXTRA_CA_CERTS: caFile, GRAPH_FAKE_LIVE_TLS_DIR: dir },
      });
      if (!given) rmSync(dir, { recursive: true, force: true });
      return child.status ?? 1;
    }
    const emu = await startEmulator({ port: 0, inMemory: true, dataDir: dir, quiet: true });
    try {
      const fakeEnv = await fakeLiveEnvironment(emu.baseUrl, caFile);
      log("Fake live run: an emulator stands in for Microsoft; its control plane prepared the tenant and is not used by the cases.");
      return await run({ ...env, ...fakeEnv });
    } finally {
      await emu.close();
    }
  };

  if (args.includes("--fake")) return fake();
  const missing = missingLiveVariables(env);
  if (missing.length > 0) {
    log("The live contract run needs these environment variables:\n");
    for (const [name, meaning] of Object.entries(LIVE_VARIABLES)) log(`  ${missing.includes(name) ? "MISSING " : "        "}${name}: ${meaning}`);
    printPlan();
    log("\nSee docs/contracts.md. `--fake` runs the same against an emulator pretending to be live.");
    return 2;
  }
  return run(env);
}

/** Whether this process already trusts the CA: NODE_EXTRA_CA_CERTS (read at start) holds its certificate. */
function trusts(caFile: string): boolean {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  return !!extra && existsSync(extra) && readFileSync(extra, "utf8").includes(readFileSync(caFile, "utf8").trim());
}

const ENTRY = fileURLToPath(new URL("./run-live.ts", import.meta.url));

const USAGE = `Usage: npm run test:contracts:live -- [--fake] [--json <file>]

Runs the contract cases that can run against live Microsoft and reports, per case:
passed, differs (with each difference; accepted ones with their reason), or not
runnable live (with the reason). The cases make what they need in the test tenant
through Graph (events, a calendar) and delete it again.

  --fake         start an emulator, prepare it as a test tenant would be prepared,
                 and run against it as if it were Microsoft (no control plane)
  --json <file>  also write the report as JSON
  --help         this text
`;

