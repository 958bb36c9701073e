import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ownEmulator } from "./own-emulator.ts";
import { ALL_CASES } from "./cases/index.ts";
import { fakeLiveEnvironment } from "./fake-live.ts";
import { livePlan, runLive, summary, type Outcome } from "./live-report.ts";
import { liveTarget } from "./target.ts";

/** `npm run test:contracts:live`: what it says without variables, and a fake live run in which every live-runnable case passes. */
const withoutLive = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GRAPH_LIVE_")));

function runner(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "contracts/run-live.ts", ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const { runs, notRunnable } = livePlan(ALL_CASES);

describe("the live contract runner", () => {
  it("with no variables, lists what it needs and which cases would run (and why the others cannot), and exits 2", async () => {
    const r = await runner([], withoutLive());
    expect(r.status, r.stderr).toBe(2);
    for (const name of ["GRAPH_LIVE_TENANT_ID", "GRAPH_LIVE_CLIENT_ID", "GRAPH_LIVE_CLIENT_SECRET", "GRAPH_LIVE_REFRESH_TOKEN"]) expect(r.stdout).toContain(`MISSING ${name}`);
    expect(r.stdout).toContain(`${runs.length} of ${ALL_CASES.length} cases would run live`);
    for (const c of runs) expect(r.stdout).toContain(`  ${c.id}: ${c.title}`);
    for (const { c, reason } of notRunnable) expect(r.stdout).toContain(`  ${c.id}: ${reason}`);
  });

  it("against the emulator posing as live (control plane used only to prepare the tenant), every live-runnable case passes", async () => {
    const own = await ownEmulator();
    let outcomes: Outcome[];
    try {
      const env = await fakeLiveEnvironment(own.env.GRAPH_EMULATOR_URL as string, own.env.GRAPH_EMULATOR_CA_FILE as string);
      const target = liveTarget(env);
      expect(target).toMatchObject({ kind: "live" });
      expect(target.admin).toBeUndefined();
      outcomes = await runLive(target, ALL_CASES);
    } finally {
      await own.close();
    }
    const failures = outcomes.filter((o): o is Extract<Outcome, { result: "differs" }> => o.result === "differs");
    expect(failures.map((f) => `${f.id}: ${f.differences.join("; ")}`)).toEqual([]);
    expect(summary(outcomes)).toEqual({ passed: runs.length, differs: 0, accepted: 0, notRunnable: notRunnable.length });
  });

  it("`--fake` starts its own emulator and reports per case, as JSON too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "live-report-"));
    try {
      const file = join(dir, "report.json");
      // The run's CA, already trusted by this process's children, saves the runner a second process.
      const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
      for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dir, f));
      const r = await runner(["--fake", "--json", file], { ...withoutLive(), GRAPH_FAKE_LIVE_TLS_DIR: dir, NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") });
      expect(r.status, r.stdout.slice(-2000) + r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(file, "utf8")) as { summary: ReturnType<typeof summary>; outcomes: Outcome[] };
      expect(report.summary).toEqual({ passed: runs.length, differs: 0, accepted: 0, notRunnable: notRunnable.length });
      expect(report.outcomes.find((o) => o.id === "entra-700082")).toEqual({
        id: "entra-700082",
        title: "refresh token unused for 90 days",
        result: "not runnable live",
        reason: "needs the emulator's control plane to cause it",
      });
      expect(r.stdout).toMatch(/^passed +calendar-409-folder-exists: /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
