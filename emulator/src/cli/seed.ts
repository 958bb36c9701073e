import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseFlags } from "./flags.ts";
import cliProgress from "cli-progress";
import { SYNTHETIC_DEFAULTS, syntheticInfo, syntheticTenant, type SyntheticOptions } from "../tenants/synthetic.ts";
import { CALENDAR_DEFAULTS } from "../tenants/synthetic-calendar.ts";
import { writeSyntheticStateDir, type SyntheticStateInfo } from "../tenants/synthetic-state.ts";

export const SEED_HELP = `graph-emulator seed: generate a synthetic tenant of N users (and M calendar events)

Usage: npm run seed -- [options]

Writes either a tenant fixture (--out, users only) or a ready state folder
(--data-dir, users and calendars; needed for events: a million events do not
fit one fixture file).

Options:
  --users N          how many users (default 1000)
  --events N         calendar events across the users' mailboxes, about 1 in 20 a
                     recurring series; user 1's mailbox gets ${CALENDAR_DEFAULTS.bigMailbox.events} of them
                     (${CALENDAR_DEFAULTS.bigMailbox.series} series). Needs --data-dir (default 0)
  --data-dir DIR     write the emulator's state folder into DIR (which must not
                     hold one yet) and DIR/synthetic.json with the sign-in details
  --out FILE         where to write the fixture (default .graph-emulator/synthetic-tenant.json)
  --seed N           PRNG seed; the same seed gives the same tenant (default ${SYNTHETIC_DEFAULTS.seed})
  --tenant-id GUID   the tenant's id (default derived from the seed)
  --domain NAME      the tenant's domain (default synthetic.onmicrosoft.com)
  --password TEXT    every user's password (default ${SYNTHETIC_DEFAULTS.password})
  --fanout N         direct reports per manager (default ${SYNTHETIC_DEFAULTS.fanout})
  --quiet            no progress bar
  -h, --help         show this help

Then start the emulator on it:  npm start -- --fixtures FILE --in-memory
                            or:  npm start -- --data-dir DIR`;

export interface SeedArgs {
  help: boolean;
  out: string;
  /** Write a state folder here instead of a fixture file. */
  dataDir?: string | undefined;
  events?: number;
  quiet: boolean;
  options: SyntheticOptions;
}

export class SeedArgsError extends Error {}

function positiveInt(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new SeedArgsError(`--${name} must be a whole number from 1 to ${max}, not '${text}'`);
  return Number(text);
}

export function parseSeedArgs(argv: string[]): SeedArgs {
  const values = parseFlags(
    argv,
    {
    users: { type: "string" },
    events: { type: "string" },
    "data-dir": { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    "tenant-id": { type: "string" },
    domain: { type: "string" },
    password: { type: "string" },
    fanout: { type: "string" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    },
    (message) => new SeedArgsError(message),
  );
  const tenantId = values["tenant-id"] as string | undefined;
  if (tenantId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) {
    throw new SeedArgsError(`--tenant-id must be a GUID, not '${tenantId}'`);
  }
  const dataDir = values["data-dir"] as string | undefined;
  const eventsText = values.events as string | undefined;
  if (eventsText !== undefined && !/^\d+$/.test(eventsText)) throw new SeedArgsError(`--events must be a whole number, not '${eventsText}'`);
  const events = Number(eventsText ?? 0);
  if (events > 10_000_000) throw new SeedArgsError(`--events must be at most 10000000, not '${eventsText}'`);
  if (events > 0 && !dataDir) throw new SeedArgsError("--events needs --data-dir: events are written into a state folder, not a fixture file");
  if (dataDir && values.out) throw new SeedArgsError("Give either --out (a fixture file) or --data-dir (a state folder), not both");
  const domain = values.domain as string | undefined;
  if (domain !== undefined && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) throw new SeedArgsError(`--domain must be a domain name, not '${domain}'`);
  return {
    help: values.help === true,
    out: resolve((values.out as string | undefined) ?? ".graph-emulator/synthetic-tenant.json"),
    dataDir: dataDir ? resolve(dataDir) : undefined,
    events,
    quiet: values.quiet === true,
    options: {
      ...SYNTHETIC_DEFAULTS,
      users: positiveInt("users", values.users as string | undefined, 1000, 1_000_000),
      seed: positiveInt("seed", values.seed as string | undefined, SYNTHETIC_DEFAULTS.seed, 2 ** 31),
      fanout: positiveInt("fanout", values.fanout as string | undefined, SYNTHETIC_DEFAULTS.fanout, 1000),
      password: (values.password as string | undefined) ?? SYNTHETIC_DEFAULTS.password,
      ...(tenantId ? { tenantId } : {}),
      ...(domain ? { domain } : {}),
    },
  };
}

/** Generates the tenant with a progress bar and writes it; returns what scripts need to sign in. */
export function writeSyntheticTenant(args: SeedArgs): ReturnType<typeof syntheticInfo> {
  const bar = new cliProgress.SingleBar(
    { format: "Generating users [{bar}] {percentage}% | {value}/{total} | {duration_formatted}", hideCursor: true, noTTYOutput: !args.quiet, notTTYSchedule: 1000 },
    cliProgress.Presets.shades_classic,
  );
  if (!args.quiet) bar.start(args.options.users, 0);
  const step = Math.max(1, Math.floor(args.options.users / 200));
  const tenant = syntheticTenant(args.options, (done) => {
    if (!args.quiet && (done % step === 0 || done === args.options.users)) bar.update(done);
  });
  if (!args.quiet) bar.stop();
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(tenant));
  return syntheticInfo(args.options);
}

/** Generates users and calendars into a state folder, with progress bars; returns the sign-in details (also in DIR/synthetic.json). */
export async function writeSyntheticDataDir(args: SeedArgs & { dataDir: string }): Promise<SyntheticStateInfo> {
  const bars = new cliProgress.MultiBar(
    { format: "{name} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}", hideCursor: true, noTTYOutput: !args.quiet, notTTYSchedule: 2000 },
    cliProgress.Presets.shades_classic,
  );
  const users = args.quiet ? undefined : bars.create(args.options.users, 0, { name: "Users " });
  const events = args.quiet || !args.events ? undefined : bars.create(args.events, 0, { name: "Events" });
  const userStep = Math.max(1, Math.floor(args.options.users / 200));
  try {
    const info = await writeSyntheticStateDir(args.dataDir, args.options, { ...CALENDAR_DEFAULTS, events: args.events ?? 0 }, {
      users: (done, total) => {
        if (done % userStep === 0 || done === total) users?.update(done);
      },
      events: (done) => events?.update(done),
    });
    writeFileSync(join(args.dataDir, "synthetic.json"), `${JSON.stringify(info, null, 2)}\n`);
    return info;
  } finally {
    bars.stop();
  }
}

async function main(): Promise<void> {
  const args = parseSeedArgs(process.argv.slice(2));
  if (args.help) {
    console.log(SEED_HELP);
    return;
  }
  if (args.dataDir) {
    const started = Date.now();
    const info = await writeSyntheticDataDir({ ...args, dataDir: args.dataDir });
    console.log(
      [
        `Wrote ${info.users} users and ${info.events} events to ${join(args.dataDir, "state")} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  Tenant:  ${info.tenantId} (${info.domain})`,
        `  Admin:   ${info.admin.userPrincipalName} / ${info.admin.password} (Global Administrator)`,
        `  Mailbox: ${info.mailbox.userPrincipalName} / ${info.mailbox.password} (${info.mailbox.events} events, ${info.mailbox.series} series)`,
        `  App:     ${info.app.appId} / ${info.app.clientSecret} (User.Read.All, Calendars.ReadWrite; admin-consented)`,
        `  Details: ${join(args.dataDir, "synthetic.json")}`,
        `Start:     npm start -- --data-dir ${args.dataDir}`,
      ].join("\n"),
    );
    return;
  }
  const info = writeSyntheticTenant(args);
  console.log(
    [
      `Wrote ${args.options.users} users to ${args.out}`,
      `  Tenant:  ${info.tenantId} (${info.domain})`,
      `  Admin:   ${info.admin.userPrincipalName} / ${info.admin.password} (Global Administrator)`,
      `  App:     ${info.app.appId} / ${info.app.clientSecret} (User.Read.All, Calendars.ReadWrite; admin-consented)`,
      `Start:     npm start -- --fixtures ${args.out} --in-memory`,
    ].join("\n"),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((err: unknown) => {
    console.error(`graph-emulator seed: ${(err as Error).message}`);
    process.exit(err instanceof SeedArgsError ? 2 : 1);
  });
}
