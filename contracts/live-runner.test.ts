import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LIVE_ITEMS, liveCli } from "./live-cli.ts";
import { livePlan, summary, type Outcome } from "./live-report.ts";

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

const { runs, notRunnable } = livePlan(LIVE_ITEMS);

describe("the live contract runner", () => {
  it("`npm run test:contracts:live` with no variables lists what it needs and which cases would run (and why the others cannot), and exits 2", async () => {
    const r = await runner([], withoutLive());
    expect(r.status, r.stderr).toBe(2);
    for (const name of ["GRAPH_LIVE_TENANT_ID", "GRAPH_LIVE_CLIENT_ID", "GRAPH_LIVE_CLIENT_SECRET", "GRAPH_LIVE_REFRESH_TOKEN"]) expect(r.stdout).toContain(`MISSING ${name}`);
    expect(r.stdout).toContain(`${runs.length} of ${LIVE_ITEMS.length} cases would run live`);
    for (const c of runs) expect(r.stdout).toContain(`  ${c.id}: ${c.title}`);
    for (const { c, reason } of notRunnable) expect(r.stdout).toContain(`  ${c.id}: ${reason}`);
  });

  it("--fake: against an emulator posing as live (its control plane only prepares the tenant), every live-runnable case passes, reported per case and as JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "live-report-"));
    try {
      const file = join(dir, "report.json");
      // The run's CA, already trusted by this process, lets the runner start its emulator here.
      const tlsDir = process.env.GRAPH_EMULATOR_TEST_TLS_DIR as string;
      for (const f of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) copyFileSync(join(tlsDir, f), join(dir, f));
      const lines: string[] = [];
      const code = await liveCli(["--fake", "--json", file], { ...withoutLive(), GRAPH_FAKE_LIVE_TLS_DIR: dir }, (l) => lines.push(l));
      const report = JSON.parse(readFileSync(file, "utf8")) as { target: Record<string, unknown>; summary: ReturnType<typeof summary>; outcomes: Outcome[] };
      const failures = report.outcomes.filter((o): o is Extract<Outcome, { result: "differs" }> => o.result === "differs");
      expect(failures.map((f) => `${f.id}: ${f.differences.join("; ")}`)).toEqual([]);
      expect(code).toBe(0);
      expect(report.target).toMatchObject({ kind: "live", controlPlane: false });
      expect(report.summary).toEqual({ passed: runs.length, differs: 0, accepted: 0, notRunnable: notRunnable.length });
      expect(report.outcomes.find((o) => o.id === "entra-700082")).toEqual({
        id: "entra-700082",
        title: "refresh token unused for 90 days",
        result: "not runnable live",
        reason: "needs the emulator's control plane to cause it",
      });
      expect(lines.join("\n")).toMatch(/^passed +calendar-409-folder-exists: /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
