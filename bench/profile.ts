import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { load } from "./load.ts";
import { SMALL_SCENARIOS, startSmall, type SmallScenarioId } from "./scenarios.ts";

/**
 * npx tsx bench/profile.ts [--scenario me] [--target emulator|express|raw] [--duration 10] [--connections 50] [--out FILE]
 * npx tsx bench/profile.ts --compare [--scenario me] [--rounds 3] [--duration 5]
 *
 * Profiles the server's thread (a worker thread of this process) while
 * autocannon drives one scenario from another, then prints where the time
 * went and the CPU time per request, which is steadier than req/s when other
 * work shares the machine. Writes a .cpuprofile for Chrome DevTools with --out.
 * With --compare, no profiler: the emulator and both baselines run in turn and
 * each run prints req/s and main-thread CPU per request.
 */
const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "me" },
    target: { type: "string", default: "emulator" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    top: { type: "string", default: "40" },
    out: { type: "string" },
    compare: { type: "boolean", default: false },
    plain: { type: "boolean", default: false },
    rounds: { type: "string", default: "3" },
  },
});
const id = values.scenario as SmallScenarioId;
if (!SMALL_SCENARIOS.includes(id)) throw new Error(`--scenario: one of ${SMALL_SCENARIOS.join(", ")}`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function summarize(profile: Profile, requests: number, top: number): string {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFn = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i] as number);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") continue;
    busy += dt;
    const file = url.replace(/^file:\/\/.*?\/(node_modules|emulator|bench)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + dt);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith("node:") ? "node (internal)" : url.includes("/emulator/") ? "emulator" : url ? "other" : functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  }
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return [
    `busy ${(busy / 1000).toFixed(0)} ms for ${requests} requests: ${(busy / Math.max(1, requests)).toFixed(1)} µs of main-thread CPU per request`,
    "--- by package",
    list(byPackage, 15),
    "--- by function (self time)",
    list(byFn, top),
  ].join("\n");
}

const small = await startSmall({ baselines: values.compare || values.target !== "emulator" });
try {
  const sc = await small.scenario(id);
  const captured = await small.call(`${small.base}${sc.path}`, { method: sc.method, headers: sc.headers, ...(sc.body !== undefined ? { body: sc.body } : {}) });
  await sc.afterEmulatorRun?.();
  for (const b of small.baselines) await b.serve(sc.method, sc.path, { status: captured.status, contentType: String(captured.headers["content-type"]), body: Buffer.from(captured.body) });
  const short = (kind: string) => (kind === "bare Express" ? "express" : kind === "raw node" ? "raw" : "emulator");
  const targets = [small.emulator, ...small.baselines].map((h) => ({ name: short(h.kind), handle: h }));
  const request = (base: string) => ({ url: `${base}${sc.path}`, method: sc.method, headers: sc.headers, ...(sc.body !== undefined ? { body: sc.body } : {}) });
  const connections = Number(values.connections);
  if (values.compare) {
    const cpu = new Map<string, number[]>();
    const rps = new Map<string, number[]>();
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const t of targets) {
        if (round === 0) await load(request(t.handle.base), { connections, durationS: 1 });
        const r = await load(request(t.handle.base), { connections, durationS: Number(values.duration), cpuMs: t.handle.cpuMs });
        if (t.name === "emulator") await sc.afterEmulatorRun?.();
        cpu.set(t.name, [...(cpu.get(t.name) ?? []), r.cpuUsPerRequest]);
        rps.set(t.name, [...(rps.get(t.name) ?? []), r.rps]);
        console.log(`${t.name.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.cpuUsPerRequest.toFixed(0)} µs CPU/request`);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const e = cpu.get("emulator") ?? [];
    const er = rps.get("emulator") ?? [];
    for (const [name, xs] of cpu) {
      if (name === "emulator") {
        console.log(`median CPU/request emulator  ${med(xs).toFixed(0)} µs`);
        continue;
      }
      const byCpu = med(xs.map((x, i) => x / (e[i] as number)));
      const byRps = med((rps.get(name) ?? []).map((x, i) => (er[i] as number) / x));
      console.log(`median CPU/request ${name.padEnd(9)} ${med(xs).toFixed(0)} µs; emulator/${name} per round: ${(100 * byRps).toFixed(0)}% of its req/s, ${(100 * byCpu).toFixed(0)}% by CPU per request`);
    }
  } else {
    const target = targets.find((t) => t.name === values.target);
    if (!target) throw new Error("--target: emulator, express or raw");
    const req = request(target.handle.base);
    await load(req, { connections, durationS: 2 });
    await sc.afterEmulatorRun?.();
    if (values.plain) {
      // No profiler: for an outside profiler such as `perf record -t <tid>` (with node --perf-basic-prof).
      console.log(`pid ${process.pid} tid ${target.handle.tid}: load starts`);
      const r = await load(req, { connections, durationS: Number(values.duration), cpuMs: target.handle.cpuMs });
      console.log(`${values.target} ${sc.title}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.cpuUsPerRequest.toFixed(0)} µs CPU per request`);
      await sc.afterEmulatorRun?.();
    } else {
      await target.handle.profileStart(200);
      const result = await load(req, { connections, durationS: Number(values.duration), cpuMs: target.handle.cpuMs });
      const profile = (await target.handle.profileStop()) as Profile;
      await sc.afterEmulatorRun?.();
      console.log(`${values.target} ${sc.title}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms at ${connections} connections, ${result.cpuUsPerRequest.toFixed(0)} µs CPU per request`);
      console.log(summarize(profile, result.requests, Number(values.top)));
      if (values.out) {
        writeFileSync(values.out, JSON.stringify(profile));
        console.log(`wrote ${values.out}`);
      }
    }
  }
} finally {
  await small.close();
}
