import { createServer, type Server } from "node:https";
import { randomBytes } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Clock } from "./clock.ts";
import { createApp } from "./app.ts";
import { DEFAULTS, emulatorOptions, type EmulatorOptions } from "./config.ts";
import { loadOrCreateSigningKeys, type SigningKeys } from "./identity/keys.ts";
import { openStore, type Store } from "./store/store.ts";
import { loadReporter } from "./store/load-reporter.ts";
import { eventStoreCodec } from "./graph/calendar/event-rows.ts";
import { buildState, normalizeTenant, readFixtures } from "./tenants/seed.ts";
import { loadOrCreateTls, type TlsMaterial } from "./tls/certificates.ts";
import type { TenantSummary } from "./store/types.ts";
import type { StoreFs } from "./store/store-fs.ts";
import { RequestJournal } from "./journal/journal.ts";
import { FaultEngine } from "./faults/engine.ts";
import { AdminClient } from "./admin/admin-client.ts";
import { loopbackHosts } from "./control/host-check.ts";
import { ChangeNotifications } from "./graph/subscriptions/notifications.ts";

export interface RunningEmulator {
  /** e.g. https://localhost:8443 */
  baseUrl: string;
  port: number;
  /** Graph's base URL on the emulator: `${baseUrl}/v1.0`. */
  graphBaseUrl: string;
  /** The control plane: `${baseUrl}/_emulator`. */
  adminUrl: string;
  /** PEM of the local CA that signed the server certificate. */
  caCert: string;
  /** Path of that CA on disk, for NODE_EXTRA_CA_CERTS (undefined when nothing is on disk). */
  caFile: string | undefined;
  tenants: TenantSummary[];
  /** The authority URL of a tenant (GUID or domain), as MSAL wants it. */
  authority(tenant: string): string;
  store: Store;
  clock: Clock;
  journal: RequestJournal;
  faults: FaultEngine;
  /** A typed client for the control plane. */
  admin: AdminClient;
  /**
   * Node's fetch, trusting the emulator's CA: `await emu.fetch("/v1.0/me", { headers })`. A path is
   * taken relative to baseUrl. No NODE_EXTRA_CA_CERTS needed.
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** The control-plane token, when the emulator listens beyond loopback. */
  controlToken: string | undefined;
  /** Stops listening, closes connections and flushes state. */
  close(): Promise<void>;
}

/** Dependencies a test may replace. */
export interface EmulatorDeps {
  /** The file operations the store writes through (a test passes one that fails on demand). */
  storeFs?: StoreFs;
  /** Where the store reports repairs and write failures (default: stderr). */
  storeReport?: (message: string) => void;
}

/**
 * Certificates and signing keys of emulators with no data dir, made once per process (and per set of
 * host names), as a test suite starts many emulators. Emulators of one process then share a CA, which
 * one trustCaGlobally covers, and a signing key, as Entra's tenants share Microsoft's keys.
 */
const inMemoryTls = new Map<string, Promise<TlsMaterial>>();
let inMemoryKeys: Promise<SigningKeys> | undefined;
function inMemoryMaterial(hosts: string[]): [Promise<TlsMaterial>, Promise<SigningKeys>] {
  const key = hosts.join(",");
  let tls = inMemoryTls.get(key);
  if (!tls) {
    tls = loadOrCreateTls(undefined, hosts);
    // A failure is not kept: the next start tries again.
    tls.catch(() => inMemoryTls.delete(key));
    inMemoryTls.set(key, tls);
  }
  if (!inMemoryKeys) {
    const keys = loadOrCreateSigningKeys(undefined);
    keys.catch(() => {
      if (inMemoryKeys === keys) inMemoryKeys = undefined;
    });
    inMemoryKeys = keys;
  }
  return [tls, inMemoryKeys];
}

/**
 * The start's last step: one request to the control plane over HTTPS, trusting only the emulator's
 * CA, as the caller's own requests will be made. It shows the server answers through its whole
 * pipeline, and it pays this process's one-time TLS costs before the caller's first request does
 * (a client's first TLS context parses Node's 140-odd bundled root certificates, about 20 ms, and
 * the first handshake compiles Node's TLS code). It reads the journal, which does not record its
 * own reads, so the journal starts empty. A server that does not answer is closed and the start fails.
 */
async function answersItself(running: RunningEmulator): Promise<void> {
  try {
    await running.admin.requests({ limit: 1 });
  } catch (err) {
    await running.close().catch(() => undefined);
    throw new Error(`The emulator listens at ${running.baseUrl} but did not answer a request there: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Starts the emulator over HTTPS and resolves once it is listening and has answered a request. */
export async function startEmulator(options: EmulatorOptions = {}, deps: EmulatorDeps = {}): Promise<RunningEmulator> {
  const config = emulatorOptions.parse(options);
  // In memory with no data dir named: keys and certificates in memory too, nothing on disk.
  const dir = config.dataDir === undefined ? (config.inMemory ? null : DEFAULTS.dataDir) : config.dataDir;
  const dataDir = dir === null ? undefined : resolve(dir);
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fixtures = readFixtures(resolve(config.fixtures));
  const hosts = [config.host, ...config.hostnames];
  // The RSA signing key takes 50 to 300 ms to make: it is made on the thread pool while the rest of
  // the start goes on; in memory it is awaited only where a token is signed or checked (and by close()).
  const [tlsMade, keys] = dataDir ? [loadOrCreateTls(dataDir, hosts), loadOrCreateSigningKeys(dataDir)] : inMemoryMaterial(hosts);
  // Marked as handled here; whoever needs the key sees a failure where it awaits it.
  keys.catch(() => undefined);
  const tls = await tlsMade;
  const clock = new Clock();
  const progress = loadReporter(!config.quiet);
  const store = await openStore({
    dir: dataDir && !config.inMemory ? join(dataDir, "state") : undefined,
    seed: () => buildState(fixtures),
    normalize: normalizeTenant,
    // Events are filed in rows (usual values left out, repeated ones in a table) and share them in memory.
    codecs: { events: eventStoreCodec() },
    onLoadProgress: progress.onProgress,
    audit: /^(1|true|yes|on)$/i.test(process.env.GRAPH_EMULATOR_STORE_AUDIT ?? ""),
    ...(deps.storeFs ? { fs: deps.storeFs } : {}),
    ...(deps.storeReport ? { report: deps.storeReport } : {}),
  });
  progress.done();
  // A data dir is whole once the start says it is ready: the key file is written before then (made
  // beside the store's opening), so a copy of the folder or a restart keeps issued tokens valid.
  if (dataDir) await keys;
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(config.host);
  // Beyond loopback, the control plane (which can mint users and secrets) needs a token: the one
  // configured, else a random one. On loopback only a configured one is asked for.
  const controlToken = config.controlToken ?? (loopback ? undefined : randomBytes(24).toString("base64url"));
  const journal = new RequestJournal();
  const faults = new FaultEngine(clock);
  // On loopback the control plane answers only to local host names (filled in once the port is known).
  const allowedHosts = loopback ? new Set<string>() : undefined;
  const notifications = new ChangeNotifications({ store, clock, journal, faults, caCert: tls.caCert });
  const app = createApp({ store, clock, keys, caCert: tls.caCert, journal, faults, notifications, controlToken, allowedHosts, corsOrigins: config.corsOrigins });
  // The server asks no client certificate, so it trusts no CA: an empty list spares parsing Node's
  // 140-odd bundled root certificates, which a TLS context otherwise does (about 40 ms of every start).
  const server: Server = createServer({ cert: tls.cert, key: tls.key, ca: [] }, app);
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  for (const h of loopbackHosts(config.host, port, config.hostnames)) allowedHosts?.add(h);
  const localName = loopback || config.host === "0.0.0.0" || config.host === "::";
  const baseUrl = `https://${localName ? "localhost" : config.host}:${port}`;
  let closed: Promise<void> | undefined;
  let dispatcher: Promise<import("undici").Dispatcher> | undefined;
  const admin = new AdminClient(baseUrl, tls.caCert, controlToken);
  const running: RunningEmulator = {
    baseUrl,
    port,
    graphBaseUrl: `${baseUrl}/v1.0`,
    adminUrl: `${baseUrl}/_emulator`,
    caCert: tls.caCert,
    caFile: tls.caFile,
    tenants: store.listTenants(),
    authority: (tenant: string) => `${baseUrl}/${tenant}`,
    store,
    clock,
    journal,
    faults,
    admin,
    controlToken,
    async fetch(input, init) {
      // Loaded on first use: the command line never needs it, and undici is a tenth of a start.
      dispatcher ??= import("./tls/trust.ts").then((t) => t.trustingDispatcher(tls.caCert));
      const url = typeof input === "string" && input.startsWith("/") ? `${baseUrl}${input}` : input;
      return fetch(url, { ...init, dispatcher: await dispatcher } as RequestInit);
    },
    close() {
      closed ??= notifications
        .close()
        .then(
          () =>
            new Promise<void>((done) => {
              server.close(() => done());
              for (const s of sockets) s.destroy();
            }),
        )
        .then(async () => (dispatcher ? (await dispatcher).close() : undefined))
        // A key still being made (and written to the data dir) is waited for, so nothing writes after close.
        .then(() => keys.then(() => undefined, () => undefined))
        .then(() => store.close());
      return closed;
    },
  };
  await answersItself(running);
  return running;
}
