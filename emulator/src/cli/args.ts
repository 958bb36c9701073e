import { parseFlags } from "./flags.ts";
import { DEFAULTS, type EmulatorOptions } from "../config.ts";
import { parseCorsOrigins } from "../http/cors.ts";

export const HELP = `graph-emulator: a local Microsoft Graph + Entra ID emulator

Usage: graph-emulator [options]       (in its own repository: npm start -- [options])

Options (each also an environment variable):
  --port N          TCP port, 0 for any free one          GRAPH_EMULATOR_PORT       (default ${DEFAULTS.port})
  --host H          interface to bind                      GRAPH_EMULATOR_HOST       (default ${DEFAULTS.host})
  --data-dir DIR    state, certificates and signing keys   GRAPH_EMULATOR_DATA_DIR   (default ./${DEFAULTS.dataDir})
  --in-memory       keep directory state in memory only    GRAPH_EMULATOR_IN_MEMORY=1
  --fixtures PATH   tenant fixtures (folder or JSON file)  GRAPH_EMULATOR_FIXTURES   (default: bundled Contoso and Fabrikam)
  --cors-origin ORIGINS
                    origins of browser apps that may call  GRAPH_EMULATOR_CORS_ORIGINS (default: none, CORS closed)
                    Graph, the token endpoint and discovery (CORS): comma-separated
                    scheme://host[:port] (e.g. http://localhost:3000,https://app.test), or * for any
  --hostname NAMES  names clients reach it by besides       GRAPH_EMULATOR_HOSTNAMES (comma-separated)
                    localhost (e.g. a container's service name): added to its TLS certificate
  --control-token T secret the control plane and dashboard GRAPH_EMULATOR_CONTROL_TOKEN
                    ask for in X-Emulator-Token (default: none on loopback, random beyond it)
  -h, --help        show this help

Flags win over environment variables. The control plane lives at /_emulator
(health, ca.pem, clock, reset, tenants, faults, requests, snapshots): docs/control-plane.md;
these flags in full: docs/command-line.md.`;

export type CliResult = { help: true } | { help: false; options: EmulatorOptions };

export class CliError extends Error {}

/** Turns argv and the environment into emulator options; flags override environment variables. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliResult {
  const values = parseFlags(
    argv,
    {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    "in-memory": { type: "boolean" },
    fixtures: { type: "string" },
    "cors-origin": { type: "string", multiple: true },
    hostname: { type: "string", multiple: true },
    "control-token": { type: "string" },
    help: { type: "boolean", short: "h" },
    },
    (message) => new CliError(message),
  );
  if (values.help) return { help: true };
  const port = (values.port as string | undefined) ?? env.GRAPH_EMULATOR_PORT;
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) throw new CliError(`--port must be a number from 0 to 65535, not '${port}'`);
  const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);
  const options: EmulatorOptions = {};
  if (port !== undefined) options.port = Number(port);
  const host = (values.host as string | undefined) ?? env.GRAPH_EMULATOR_HOST;
  if (host) options.host = host;
  const dataDir = (values["data-dir"] as string | undefined) ?? env.GRAPH_EMULATOR_DATA_DIR;
  if (dataDir) options.dataDir = dataDir;
  if (values["in-memory"] === true || truthy(env.GRAPH_EMULATOR_IN_MEMORY)) options.inMemory = true;
  const fixtures = (values.fixtures as string | undefined) ?? env.GRAPH_EMULATOR_FIXTURES;
  if (fixtures) options.fixtures = fixtures;
  // Repeated flags add up; an empty environment variable counts as unset, like the others.
  const corsFlag = (values["cors-origin"] as string[] | undefined)?.join(",");
  const cors = corsFlag ?? (env.GRAPH_EMULATOR_CORS_ORIGINS || undefined);
  if (cors !== undefined) {
    const source = corsFlag === undefined ? "GRAPH_EMULATOR_CORS_ORIGINS" : "--cors-origin";
    const list = cors.split(",").map((o) => o.trim()).filter(Boolean);
    if (list.length === 0) throw new CliError(`${source} needs one or more origins such as http://localhost:3000, not '${cors}'`);
    try {
      options.corsOrigins = parseCorsOrigins(list);
    } catch (err) {
      throw new CliError(`${source}: ${(err as Error).message}`);
    }
  }
  const hostnames = (values.hostname as string[] | undefined)?.join(",") ?? (env.GRAPH_EMULATOR_HOSTNAMES || undefined);
  if (hostnames !== undefined) {
    options.hostnames = hostnames.split(",").map((h) => h.trim()).filter(Boolean);
    const bad = options.hostnames.find((h) => !/^[A-Za-z0-9.:-]+$/.test(h));
    if (bad !== undefined || options.hostnames.length === 0) throw new CliError(`--hostname needs host names such as graph-emulator, not '${bad ?? hostnames}'`);
  }
  const token = (values["control-token"] as string | undefined) ?? (env.GRAPH_EMULATOR_CONTROL_TOKEN || undefined);
  if (token !== undefined) {
    if (token.length < 16 || !/^[\x21-\x7e]+$/.test(token)) throw new CliError("--control-token must be at least 16 printable ASCII characters without spaces");
    options.controlToken = token;
  }
  return { help: false, options };
}
