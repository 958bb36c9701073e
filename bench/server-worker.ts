import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { startBareExpress, startRawNode, type Baseline, type CannedAnswer } from "./baselines.ts";
import { threadCpuMs } from "./thread-cpu.ts";

/**
 * One server of the bench in a worker thread of its own: the emulator (in
 * memory, default fixtures) or a baseline. Each target gets its own V8
 * isolate, so its JIT state is its own: in one shared isolate, Express's and
 * Node's HTTP code would be compiled for a mix of both apps' objects, which
 * slows whichever target did not train it (about ten points of the /me ratio
 * in trials). Commands arrive as messages from the bench's main thread.
 */
export type ServerKind = "emulator" | "bare Express" | "raw node";

export interface ServerCommand {
  id: number;
  cmd: "serve" | "seedMailbox" | "cpu" | "profileStart" | "profileStop" | "close";
  args?: unknown;
}

interface Init {
  kind: ServerKind;
  dataDir: string;
}

const { kind, dataDir } = workerData as Init;
const port = parentPort;
if (!port) throw new Error("server-worker.ts runs as a worker thread");

let base: string;
let baseline: Baseline | undefined;
let seed: ((args: unknown) => void) | undefined;
let stop: () => Promise<void>;
let extra: Record<string, unknown> = {};

if (kind === "emulator") {
  const { startEmulator } = await import("../emulator/src/server.ts");
  const { seedMailbox } = await import("./seed-mailbox.ts");
  const emu = await startEmulator({ port: 0, host: "127.0.0.1", dataDir, inMemory: true, quiet: true });
  base = `https://127.0.0.1:${emu.port}`;
  seed = (args) => {
    const a = args as { tenantId: string; owner: { id: string; upn: string; displayName: string }; singles: number; series: number };
    seedMailbox(emu.store, a.tenantId, a.owner, a.singles, a.series);
  };
  stop = () => emu.close();
  extra = { caCert: emu.caCert };
} else {
  const tls = { cert: readFileSync(join(dataDir, "server.pem"), "utf8"), key: readFileSync(join(dataDir, "server-key.pem"), "utf8") };
  baseline = kind === "bare Express" ? await startBareExpress(tls) : await startRawNode(tls);
  base = baseline.base;
  stop = () => (baseline as Baseline).close();
}

let session: Session | undefined;

port.on("message", (msg: ServerCommand) => {
  const reply = (result: unknown) => port.postMessage({ id: msg.id, ok: true, result });
  const fail = (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  const run = async (): Promise<unknown> => {
    switch (msg.cmd) {
      case "serve": {
        const a = msg.args as { method: string; url: string; answer: { status: number; contentType: string; body: Uint8Array } };
        if (!baseline) throw new Error(`${kind} serves no canned answers`);
        const answer: CannedAnswer = { status: a.answer.status, contentType: a.answer.contentType, body: Buffer.from(a.answer.body) };
        baseline.serve(a.method, a.url, answer);
        return null;
      }
      case "seedMailbox":
        if (!seed) throw new Error(`${kind} has no mailboxes`);
        seed(msg.args);
        return null;
      case "cpu":
        return threadCpuMs();
      case "profileStart":
        session = new Session();
        session.connect();
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: (msg.args as { intervalUs?: number } | undefined)?.intervalUs ?? 200 });
        await session.post("Profiler.start");
        return null;
      case "profileStop": {
        if (!session) throw new Error("no profile running");
        const { profile } = await session.post("Profiler.stop");
        session.disconnect();
        session = undefined;
        return profile;
      }
      case "close":
        await stop();
        setImmediate(() => port.close());
        return null;
    }
  };
  run().then(reply, fail);
});

/** This thread's Linux thread id, for an outside profiler (perf record -t). */
function threadId(): number {
  try {
    return Number(readFileSync("/proc/thread-self/stat", "utf8").split(" ", 1)[0]);
  } catch {
    return NaN;
  }
}

port.postMessage({ ready: true, base, tid: threadId(), ...extra });
