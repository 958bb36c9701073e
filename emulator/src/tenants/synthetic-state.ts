import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { COLLECTIONS, partitionOf, partitionsOf, type RowCodec } from "../store/changes.ts";
import { FORMAT, manifestPath, metaOf, metaPath, partitionPath, tenantDir, writeJson } from "../store/state-layout.ts";
import { seededRandom } from "../util/seeded-random.ts";
import { eventStoreCodec } from "../graph/calendar/event-rows.ts";
import type { Manifest } from "../store/state-layout.ts";
import type { TenantState } from "../store/types.ts";
import { buildState } from "./seed.ts";
import { tenantFixture } from "./schemas.ts";
import { syntheticInfo, syntheticTenant, type SyntheticOptions, type SyntheticTenantInfo } from "./synthetic.ts";
import { eventsPerMailbox, mailboxCalendar, type SyntheticCalendarOptions } from "./synthetic-calendar.ts";

export interface SyntheticStateInfo extends SyntheticTenantInfo {
  users: number;
  events: number;
  /** The big mailbox: sign in as it for calendar scenarios. */
  mailbox: { id: string; userPrincipalName: string; password: string; events: number; series: number };
}

export interface Progress {
  users(done: number, total: number): void;
  events(done: number, total: number): void;
}

/**
 * Writes events straight into partition files as they are generated, in the
 * store's row layout, so that a million events never sit in memory at once.
 * Hand-written: the store's own writer serialises whole partitions from
 * memory, which is what this avoids.
 */
class EventPartitionStreams {
  readonly #files = new Map<string, { fd: number; count: number; buffer: string[]; size: number; rows: ReturnType<RowCodec["encoder"]> }>();
  readonly #codec = eventStoreCodec().rows as RowCodec;
  constructor(readonly dir: string, readonly tenantId: string) {}

  add(record: Record<string, unknown>): void {
    const p = partitionOf("events", record);
    let s = this.#files.get(p);
    if (!s) {
      const head = `{"lsn":0,"format":${JSON.stringify(this.#codec.format)},"rows":[`;
      s = { fd: openSync(partitionPath(this.dir, this.tenantId, p), "w", 0o600), count: 0, buffer: [head], size: 0, rows: this.#codec.encoder() };
      this.#files.set(p, s);
    }
    const json = JSON.stringify(s.rows.row(record));
    s.buffer.push(s.count++ === 0 ? json : `,${json}`);
    s.size += json.length;
    if (s.size > 1 << 20) this.#spill(s);
  }

  #spill(s: { fd: number; buffer: string[]; size: number }): void {
    writeSync(s.fd, s.buffer.join(""));
    s.buffer = [];
    s.size = 0;
  }

  close(): void {
    for (const s of this.#files.values()) {
      s.buffer.push(`],"tables":${JSON.stringify(s.rows.tables())}}`);
      this.#spill(s);
      fsyncSync(s.fd);
      closeSync(s.fd);
    }
  }
}

/** Object ids the directory gave at random (apps, service principals, grants, secrets), drawn from the seed instead. */
function stableIds(t: TenantState, random: () => number): void {
  const guid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  for (const a of t.applications) {
    a.id = guid();
    for (const secret of a.secrets) secret.keyId = guid();
  }
  for (const sp of t.servicePrincipals) sp.id = guid();
  for (const g of t.consentGrants) g.id = guid();
}

/**
 * Generates a synthetic tenant (users, groups, an admin-consented app) with
 * its calendars and writes it as the emulator's state folder in `dataDir`,
 * ready for `npm start -- --data-dir dataDir`. Deterministic from the seed.
 */
export async function writeSyntheticStateDir(dataDir: string, options: SyntheticOptions, calendar: SyntheticCalendarOptions, progress: Progress): Promise<SyntheticStateInfo> {
  const dir = join(dataDir, "state");
  if (existsSync(dir)) throw new Error(`${dir} already exists; remove it or pick another --data-dir.`);
  const info = syntheticInfo(options);
  const fixture = tenantFixture.parse(syntheticTenant(options, (done) => progress.users(done, options.users)));
  const tenant = buildState([fixture]).tenants[0] as TenantState;
  stableIds(tenant, seededRandom(options.seed ^ 0x1d5));
  mkdirSync(tenantDir(dir, tenant.id), { recursive: true, mode: 0o700 });
  try {
    return await writeTenant(dir, tenant, info, options, calendar, progress);
  } catch (err) {
    // A half-written folder must not pass for a state folder.
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function writeTenant(dir: string, tenant: TenantState, info: SyntheticTenantInfo, options: SyntheticOptions, calendar: SyntheticCalendarOptions, progress: Progress): Promise<SyntheticStateInfo> {
  const streams = new EventPartitionStreams(dir, tenant.id);
  const random = seededRandom(options.seed ^ 0x5eed);
  let written = 0;
  let big = { events: 0, series: 0 };
  for (let i = 1; i < tenant.users.length; i++) {
    const counts = eventsPerMailbox(tenant.users.length, calendar, i);
    if (counts.events === 0) continue;
    if (i === 1) big = counts;
    const user = tenant.users[i] as TenantState["users"][number];
    const { calendar: cal, events } = mailboxCalendar({ id: user.id, displayName: user.displayName, address: user.userPrincipalName }, counts, random);
    tenant.calendars.push(cal);
    for (const e of events) streams.add(e as unknown as Record<string, unknown>);
    written += events.length;
    progress.events(written, calendar.events);
  }
  streams.close();

  await writeJson(metaPath(dir, tenant.id), { lsn: 0, data: metaOf(tenant) });
  for (const c of COLLECTIONS) {
    if (c === "events") continue;
    for (const p of partitionsOf(c)) await writeJson(partitionPath(dir, tenant.id, p), { lsn: 0, records: tenant[c] });
  }
  const manifest: Manifest = { format: FORMAT, tenants: [tenant.id] };
  await writeJson(manifestPath(dir), manifest);
  const mailbox = tenant.users[1];
  return {
    ...info,
    users: tenant.users.length,
    events: written,
    mailbox: {
      id: mailbox?.id ?? "",
      userPrincipalName: mailbox?.userPrincipalName ?? "",
      password: options.password,
      events: big.events,
      series: big.series,
    },
  };
}
