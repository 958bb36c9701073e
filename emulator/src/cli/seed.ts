import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { SYNTHETIC_DEFAULTS, syntheticInfo, syntheticTenant, type SyntheticOptions } from "../tenants/synthetic.ts";

export const SEED_HELP = `graph-emulator seed: write a tenant fixture with N synthetic users

Usage: npm run seed -- [options]

Options:
  --users N          how many users (default 1000)
  --out FILE         where to write the fixture (default .graph-emulator/synthetic-tenant.json)
  --seed N           PRNG seed; the same seed gives the same tenant (default ${SYNTHETIC_DEFAULTS.seed})
  --tenant-id GUID   the tenant's id (default derived from the seed)
  --domain NAME      the tenant's domain (default synthetic.onmicrosoft.com)
  --password TEXT    every user's password (default ${SYNTHETIC_DEFAULTS.password})
  --fanout N         direct reports per manager (default ${SYNTHETIC_DEFAULTS.fanout})
  --quiet            no progress bar
  -h, --help         show this help

Then start the emulator on it:  npm start -- --fixtures FILE --in-memory`;

export interface SeedArgs {
  help: boolean;
  out: string;
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
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: "string" },
        out: { type: "string" },
        seed: { type: "string" },
        "tenant-id": { type: "string" },
        domain: { type: "string" },
        password: { type: "string" },
        fanout: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new SeedArgsError(`${(err as Error).message}\nRun with --help to see the options.`);
  }
  const tenantId = values["tenant-id"] as string | undefined;
  if (tenantId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) {
    throw new SeedArgsError(`--tenant-id must be a GUID, not '${tenantId}'`);
  }
  const domain = values.domain as string | undefined;
  if (domain !== undefined && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) throw new SeedArgsError(`--domain must be a domain name, not '${domain}'`);
  return {
    help: values.help === true,
    out: resolve((values.out as string | undefined) ?? ".graph-emulator/synthetic-tenant.json"),
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

function main(): void {
  const args = parseSeedArgs(process.argv.slice(2));
  if (args.help) {
    console.log(SEED_HELP);
    return;
  }
  const info = writeSyntheticTenant(args);
  console.log(
    [
      `Wrote ${args.options.users} users to ${args.out}`,
      `  Tenant:  ${info.tenantId} (${info.domain})`,
      `  Admin:   ${info.admin.userPrincipalName} / ${info.admin.password} (Global Administrator)`,
      `  App:     ${info.app.appId} / ${info.app.clientSecret} (User.Read.All, admin-consented)`,
      `Start:     npm start -- --fixtures ${args.out} --in-memory`,
    ].join("\n"),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    main();
  } catch (err) {
    console.error(`graph-emulator seed: ${(err as Error).message}`);
    process.exit(err instanceof SeedArgsError ? 2 : 1);
  }
}
