import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { bundle, OUT_DIR } from "../emulator/bin/build.mjs";
import type { CannedAnswer } from "./baselines.ts";
import type { ServerCommand, ServerKind } from "./server-worker.ts";

/** The bench's main-thread side of a server running in a worker thread (see server-worker.ts). */
export interface ServerHandle {
  kind: ServerKind;
  /** https://127.0.0.1:port */
  base: string;
  /** The emulator's CA (emulator only). */
  caCert?: string;
  /** The server thread's Linux thread id (for perf record -t). */
  tid: number;
  /** Baselines: answer `method url` with `answer` from now on. */
  serve(method: string, url: string, answer: CannedAnswer): Promise<void>;
  /** Emulator: fill a mailbox with events (see seed-mailbox.ts). */
  seedMailbox(args: { tenantId: string; owner: { id: string; upn: string; displayName: string }; singles: number; series: number }): Promise<void>;
  /** CPU time the server's thread has used so far, ms. */
  cpuMs(): Promise<number>;
  profileStart(intervalUs?: number): Promise<void>;
  profileStop(): Promise<unknown>;
  close(): Promise<void>;
}

/** Starts a worker thread that loads tsx's loader, then the TypeScript module `entry`. */
export function tsWorker(entry: URL, workerData: unknown): Worker {
  // Worker threads do not inherit tsx's loader: the worker registers it, then loads the TypeScript entry.
  const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

let bundled: Promise<string | undefined> | undefined;

/**
 * The server thread's code as one JavaScript bundle, built the way `npm start`
 * runs the emulator (emulator/bin/build.mjs): the servers are measured as they
 * ship, not as tsx compiles them module by module (tsx keeps function names
 * with a helper call for every closure made, a few percent of a small request).
 * Undefined when esbuild is missing: the TypeScript sources run through tsx then.
 */
export function serverBundle(): Promise<string | undefined> {
  bundled ??= (async () => {
    const outfile = join(OUT_DIR, "bench-server.mjs");
    try {
      await bundle({ entry: fileURLToPath(new URL("./server-worker.ts", import.meta.url)), outfile, format: "esm", sourcemap: false });
      return outfile;
    } catch (err) {
      console.error(`bench: could not bundle the servers (${(err as Error).message}); running them through tsx`);
      return undefined;
    }
  })();
  return bundled;
}

export async function startServer(kind: ServerKind, dataDir: string): Promise<ServerHandle> {
  const file = await serverBundle();
  const worker = file ? new Worker(file, { workerData: { kind, dataDir } }) : tsWorker(new URL("./server-worker.ts", import.meta.url), { kind, dataDir });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const command = (cmd: ServerCommand["cmd"], args?: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, cmd, args } satisfies ServerCommand);
    });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.on("exit", (code) => {
      for (const p of pending.values()) p.reject(new Error(`${kind} server thread exited with ${code}`));
      pending.clear();
      reject(new Error(`${kind} server thread exited with ${code} before it was ready`));
    });
    worker.on("message", (msg: { ready?: boolean; base?: string; tid?: number; caCert?: string; id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (msg.ready) {
        resolve({
          kind,
          base: msg.base as string,
          tid: msg.tid ?? NaN,
          ...(msg.caCert ? { caCert: msg.caCert } : {}),
          serve: async (method, url, answer) => void (await command("serve", { method, url, answer: { ...answer, body: new Uint8Array(answer.body) } })),
          seedMailbox: async (args) => void (await command("seedMailbox", args)),
          cpuMs: async () => (await command("cpu")) as number,
          profileStart: async (intervalUs) => void (await command("profileStart", { intervalUs })),
          profileStop: () => command("profileStop"),
          close: async () => {
            await command("close");
            await new Promise<void>((done) => (worker.threadId === -1 ? done() : worker.once("exit", () => done())));
          },
        });
        return;
      }
      const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
      if (!p) return;
      pending.delete(msg.id as number);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? "server command failed"));
    });
  });
}
