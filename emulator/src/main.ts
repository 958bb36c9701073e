import { CliError, HELP, parseCli } from "./cli/args.ts";
import { startEmulator } from "./server.ts";
import { DEFAULTS } from "./config.ts";
import { FixtureError } from "./tenants/seed.ts";
import { StoreFileError } from "./store/store.ts";

/** The command-line entry point: parse flags, start, print where things are, stop cleanly on signals. */
async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (cli.help) {
    console.log(HELP);
    return;
  }
  // The command keeps certificates and keys in a data dir (default ./.graph-emulator) even with
  // --in-memory, so the CA it prints stays trusted across runs.
  const emulator = await startEmulator({ dataDir: DEFAULTS.dataDir, ...cli.options });
  const lines = [
    `Graph emulator ready at ${emulator.baseUrl}`,
    `  Graph:        ${emulator.graphBaseUrl}`,
    `  Control:      ${emulator.adminUrl}  (health, ca.pem, clock, reset, tenants, faults, requests)`,
    ...(emulator.controlToken ? [] : [`  Dashboard:    ${emulator.adminUrl}/ui`]),
    "  Tenants (authority URLs for MSAL):",
    ...emulator.tenants.map((t) => `    ${t.displayName.padEnd(12)} ${emulator.authority(t.id)}   (${t.defaultDomain})`),
    `    common       ${emulator.authority("common")}`,
    emulator.caFile
      ? `  CA:           ${emulator.caFile}\n  Trust it:     NODE_EXTRA_CA_CERTS=${emulator.caFile}`
      : `  CA:           ${emulator.adminUrl}/ca.pem`,
    // A token the user configured is not echoed (it may be a shared secret); a generated one must be.
    ...(emulator.controlToken && cli.options.controlToken
      ? ["  Control token: the control plane and dashboard need the header X-Emulator-Token (the one configured)", `  Dashboard:    ${emulator.adminUrl}/ui?token=...`]
      : []),
    ...(emulator.controlToken && !cli.options.controlToken
      ? [
          `  Listening beyond loopback: the control plane needs the header X-Emulator-Token: ${emulator.controlToken}`,
          `  Dashboard:    ${emulator.adminUrl}/ui?token=${emulator.controlToken}`,
        ]
      : []),
    "Press Ctrl+C to stop.",
  ];
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, flushing state and stopping...`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`graph-emulator: error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Ready is said only once the handlers are in place: whoever waits for this line may stop it at once.
  console.log(lines.join("\n"));
}

main().catch((err: unknown) => {
  if (err instanceof CliError || err instanceof FixtureError || err instanceof StoreFileError) {
    console.error(`graph-emulator: ${err.message}`);
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE") {
    console.error(`graph-emulator: the port is already in use (${e.message}). Pick another with --port.`);
    process.exit(2);
  }
  console.error("graph-emulator: failed to start:", e.stack ?? e);
  process.exit(1);
});
