import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadStateDir } from "../../emulator/src/store/state-load.ts";
import { eventStoreCodec } from "../../emulator/src/graph/calendar/event-rows.ts";
import { call, ChildEmulators, type ChildEmulator } from "../support/child-emulator.ts";

/**
 * A real full disk: the data dir on a 4 MiB tmpfs that the test fills to the
 * last byte. No write is acknowledged while it is full; writes resume once
 * space is back, without a restart; and a SIGKILL at any point (while full,
 * as space comes back, mid-burst) leaves a folder that starts without repair
 * and holds every acknowledged write. Mounting needs root (CI runs as root);
 * elsewhere the test is skipped, its name saying why, and disk-faults.test.ts
 * covers the same code through a file layer that fails on demand.
 */
const CONTOSO = "contoso.onmicrosoft.com";
const base = mkdtempSync(join(tmpdir(), "graph-emulator-tmpfs-"));

/** Mounts the tmpfs; returns why it could not, or undefined. */
function mountTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to mount a tmpfs";
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", base], { stdio: "pipe" });
    return undefined;
  } catch (err) {
    return `mount -t tmpfs is not permitted here (${String((err as { stderr?: Buffer }).stderr ?? err).trim().slice(0, 80)})`;
  }
}
const cannotMount = mountTmpfs();
const emulators = new ChildEmulators();

afterEach(async () => {
  await emulators.stopAll();
});
afterAll(() => {
  if (!cannotMount) execFileSync("umount", ["-l", base], { stdio: "pipe" });
  rmSync(base, { recursive: true, force: true });
});

const filler = join(base, "filler");
/** Fills the file system to its last byte. */
function fill(): void {
  const fd = openSync(filler, "a");
  try {
    for (const size of [1 << 16, 4096, 256, 1]) {
      const chunk = Buffer.alloc(size, 120);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}
const free = () => rmSync(filler, { force: true });

const addUser = (emu: ChildEmulator, upn: string) => call(emu, "POST", `/_emulator/tenants/${CONTOSO}/users`, { displayName: upn, userPrincipalName: upn, password: "Passw0rd!" });

async function storedUpns(dataDir: string): Promise<Set<string>> {
  const loaded = await loadStateDir(join(dataDir, "state"), undefined, { events: eventStoreCodec() });
  return new Set(loaded!.state.tenants.find((t) => t.defaultDomain === CONTOSO)!.users.map((u) => u.userPrincipalName.toLowerCase()));
}

describe("a full disk under the data dir", () => {
  it.skipIf(cannotMount !== undefined)(
    `acknowledges no write while full, resumes without a restart, and survives SIGKILL at any point${cannotMount ? ` (skipped: ${cannotMount})` : ""}`,
    async () => {
      const dataDir = join(base, "data");
      mkdirSync(dataDir);
      const acknowledged: string[] = [];
      let emu = await emulators.start(dataDir);
      expect((await addUser(emu, `before@${CONTOSO}`)).status).toBe(201);
      acknowledged.push(`before@${CONTOSO}`);

      // Full: a burst of writes. A write may still fit in the last page of the log file (and is then on disk);
      // every other is refused with a readable 507, and is not kept.
      fill();
      const burst = Array.from({ length: 12 }, (_, i) => `full-${i}@${CONTOSO}`);
      const refused: string[] = [];
      const statuses = await Promise.all(burst.map((upn) => addUser(emu, upn)));
      statuses.forEach((s, i) => {
        if (s.status === 201) acknowledged.push(burst[i] as string);
        else {
          expect([507, 503], `${s.status} ${s.text}\n${emu.output()}`).toContain(s.status);
          refused.push(burst[i] as string);
        }
      });
      expect(refused.length).toBeGreaterThan(0);
      const first = statuses.find((s) => s.status === 507);
      expect(JSON.parse(first!.text)).toMatchObject({ error: { code: "InsufficientStorage" } });
      // One at a time until one is refused: the health then says degraded, until a write succeeds.
      for (let i = 0; i < 10; i++) {
        const upn = `one-${i}@${CONTOSO}`;
        const s = await addUser(emu, upn);
        if (s.status === 201) acknowledged.push(upn);
        else {
          refused.push(upn);
          break;
        }
      }
      expect(JSON.parse((await call(emu, "GET", "/_emulator/health")).text)).toMatchObject({ status: "degraded", storage: { code: "ENOSPC" } });

      // Space back: writes succeed in the same process.
      free();
      let resumed = 0;
      for (let i = 0; i < 20 && resumed === 0; i++) {
        const s = await addUser(emu, `resumed-${i}@${CONTOSO}`);
        if (s.status === 201) {
          acknowledged.push(`resumed-${i}@${CONTOSO}`);
          resumed++;
        } else {
          // Refused while memory is being rolled back: 503, or, for a write queued behind the refused one, that
          // refusal's own cause (507 for ENOSPC).
          expect([503, 507], s.text).toContain(s.status);
        }
      }
      expect(resumed).toBe(1);
      expect(JSON.parse((await call(emu, "GET", "/_emulator/health")).text)).toEqual({ status: "ok" });

      // SIGKILL at different points: while full, just after space returns, mid-burst after some acknowledgements.
      for (let round = 0; round < 6; round++) {
        if (round % 2 === 0) fill();
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 30; i++) {
          const upn = `kill-${round}-${i}@${CONTOSO}`;
          writes.push(
            addUser(emu, upn).then((s) => {
              if (s.status === 201) acknowledged.push(upn);
              else expect([0, 503, 507], `${upn}: ${s.status} ${s.text}\n${emu.output()}`).toContain(s.status);
            }),
          );
          if (i === 10) free();
          if (i === 10 + round * 3) void emulators.kill(emu.child);
          await new Promise((r) => setImmediate(r));
        }
        await Promise.all(writes);
        await emulators.kill(emu.child);
        free();
        const stored = await storedUpns(dataDir);
        expect(acknowledged.filter((upn) => !stored.has(upn)), `round ${round}: acknowledged but lost`).toEqual([]);
        expect(refused.filter((upn) => stored.has(upn)), "refused but kept").toEqual([]);
        // The folder starts as it is, no repair needed.
        emu = await emulators.start(dataDir);
      }
      const final = await addUser(emu, `final@${CONTOSO}`);
      expect(final.status).toBe(201);
    },
    120_000,
  );
});
