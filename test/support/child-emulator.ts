import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";

/** The emulator as a separate process (`npm start` as a user runs it), to kill with SIGKILL or watch exit. */
const ROOT = join(import.meta.dirname, "..", "..");

export interface ChildEmulator {
  child: ChildProcess;
  baseUrl: string;
  ca: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

export class ChildEmulators {
  readonly #children: ChildProcess[] = [];

  /** Starts one on `dataDir` and resolves once it is ready; rejects with its output if it exits first. */
  start(dataDir: string, args: string[] = []): Promise<ChildEmulator> {
    const child = this.spawn(dataDir, args);
    return new Promise((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /ready at (https:\/\/\S+)/.exec(out);
        if (m) resolve({ child, baseUrl: m[1] as string, ca: readFileSync(join(dataDir, "ca.pem"), "utf8"), output: () => out });
      });
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => reject(new Error(`emulator exited (${code}) before it was ready:\n${out}`)));
    });
  }

  /** Starts one and waits for it to exit (a start that is refused); resolves with its exit code and stderr. */
  async refused(dataDir: string): Promise<{ code: number | null; stderr: string }> {
    const child = this.spawn(dataDir, []);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    const [code] = (await once(child, "exit")) as [number | null];
    return { code, stderr };
  }

  spawn(dataDir: string, args: string[]): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "emulator/src/main.ts", "--port", "0", "--data-dir", dataDir, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.#children.push(child);
    return child;
  }

  /** SIGKILLs one and waits for it to exit. */
  async kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  }

  /** Kills every one still running, so that none writes into a folder being removed. */
  async stopAll(): Promise<void> {
    await Promise.all(this.#children.splice(0).map((c) => this.kill(c)));
  }
}

/** One HTTPS request; resolves with the status and body text (status 0 when the connection failed). */
export function call(emu: Pick<ChildEmulator, "baseUrl" | "ca">, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${emu.baseUrl}${path}`,
      { method, ca: emu.ca, headers: { ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}), ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", () => resolve({ status: 0, text }));
      },
    );
    req.on("error", () => resolve({ status: 0, text: "" }));
    req.end(payload);
  });
}
