import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { emptyTenant } from "../../tenants/seed.ts";
import type { TenantState, User } from "../../store/types.ts";
import { insertUser, removeUser, updateUser } from "../../directory/users.ts";
import { userIndex } from "../../directory/user-index.ts";
import { MAX_USER_VIEWS } from "../../directory/user-views.ts";
import { DEFAULT_USER_PROPERTIES } from "./properties.ts";
import { userView } from "./views.ts";
import { collectionText, entityText, userViewTexts } from "./view-text.ts";

/**
 * The ready view texts of GET /users and GET /users/{id} against the general
 * serialization: a page (or an entity) joined from the directory's cached
 * texts must be byte for byte `JSON.stringify` of it built user by user,
 * whatever the users hold, whichever $select lists are asked for (more than
 * the cache keeps), and across inserts, updates, deletes and a replaced users
 * array (reset, snapshot import).
 */

/** Properties the users and their changes draw from: the default view's, and some that only $select reads or that views derive from. */
const VARIED = [
  ...DEFAULT_USER_PROPERTIES.filter((p) => p !== "id" && p !== "userPrincipalName"),
  "city",
  "department",
  "otherMails",
  "userType",
  "createdDateTime",
  "tokensValidFrom",
  "employeeOrgData",
  "passwordProfile",
  "accountEnabled",
];
/** Names a $select may hold (canonical, as the query parser leaves them), repeats and derived properties included. */
const SELECTABLE = [...DEFAULT_USER_PROPERTIES, "city", "department", "otherMails", "userType", "signInSessionsValidFromDateTime", "passwordProfile", "employeeOrgData", "accountEnabled"];

/** Any value a property may hold, text with any code point included; undefined removes it. */
const value = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom("1970-01-01T00:00:00.000Z", "2026-05-01T10:00:00Z", "Zoë \"q\" \\ </script>", ""),
  fc.array(fc.string({ unit: "binary", maxLength: 4 }), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const changes = fc.dictionary(fc.constantFrom(...VARIED), value, { maxKeys: 4 });
/** A pool larger than the cache keeps, so that views are also evicted and made again. */
const SELECTS: (string[] | null)[] = [null, []];
for (let i = 0; SELECTS.length < MAX_USER_VIEWS + 4; i++) SELECTS.push(SELECTABLE.filter((_, k) => (k * 7 + i) % 5 === 0 || k === i % SELECTABLE.length));
SELECTS.push(["id", "id", "displayName"]);

type Op =
  | { kind: "insert"; changes: Record<string, unknown> }
  | { kind: "update"; at: number; changes: Record<string, unknown> }
  | { kind: "rename"; at: number; upn: string }
  | { kind: "delete"; at: number }
  | { kind: "replace" }
  | { kind: "list"; select: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  changes.map((c) => ({ kind: "insert" as const, changes: c })),
  fc.record({ kind: fc.constant("update" as const), at: fc.nat(), changes }),
  fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), upn: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.constant({ kind: "replace" as const }),
  fc.record({ kind: fc.constant("list" as const), select: fc.nat(SELECTS.length - 1) }),
  fc.record({ kind: fc.constant("list" as const), select: fc.nat(SELECTS.length - 1) }),
);
const head = fc.record(
  { "@odata.context": fc.string({ unit: "binary", maxLength: 12 }), "@odata.count": fc.nat(), "@odata.nextLink": fc.string({ unit: "binary", maxLength: 12 }) },
  { requiredKeys: ["@odata.context"] },
);

let serial = 0;
function newUser(extra: Record<string, unknown>): User {
  const n = ++serial;
  const user: User = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    userPrincipalName: `u${n}@contoso.onmicrosoft.com`,
    displayName: `User ${n}`,
    givenName: null,
    surname: null,
    mail: null,
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    businessPhones: [],
    accountEnabled: true,
    password: "x",
    directoryRoles: [],
    tokensValidFrom: new Date(0).toISOString(),
  };
  for (const [name, v] of Object.entries(extra)) if (v !== undefined) user[name] = v;
  return user;
}

function tenant(): TenantState {
  return emptyTenant({ id: "11111111-1111-4111-8111-111111111111", displayName: "T", defaultDomain: "contoso.onmicrosoft.com", domains: [] });
}

/**
 * The page, and each user as GET /users/{id} answers, as the ready texts give
 * them and as the general serialization does.
 */
function both(t: TenantState, select: readonly string[] | null, annotations: Record<string, unknown>): [string[], string[]] {
  const texts = userViewTexts(t, select);
  const entity = { "@odata.context": annotations["@odata.context"] };
  const fast = [collectionText(annotations, t.users.map(texts)), ...t.users.map((u) => entityText(entity, texts(u)))];
  const general = [JSON.stringify({ ...annotations, value: t.users.map((u) => userView(u, select)) }), ...t.users.map((u) => JSON.stringify(userView(u, select, { ...entity })))];
  return [fast, general];
}

describe("ready user views", () => {
  it("give exactly the general serialization, across random users, selects and changes", () => {
    fc.assert(
      fc.property(fc.array(changes, { maxLength: 8 }), fc.array(op, { maxLength: 30 }), head, (people, ops, annotations) => {
        const t = tenant();
        for (const extra of people) insertUser(t, newUser(extra));
        const at = (n: number): User | undefined => t.users[n % Math.max(1, t.users.length)];
        for (const o of ops) {
          if (o.kind === "insert") insertUser(t, newUser(o.changes));
          else if (o.kind === "update") {
            const user = at(o.at);
            if (user) updateUser(t, user, o.changes);
          } else if (o.kind === "rename") {
            const user = at(o.at);
            if (user) updateUser(t, user, { userPrincipalName: `${o.upn}-${user.id}@contoso.onmicrosoft.com` });
          } else if (o.kind === "delete") {
            const user = at(o.at);
            if (user) removeUser(t, user);
          } else if (o.kind === "replace") t.users = structuredClone(t.users);
          else {
            const [fast, general] = both(t, SELECTS[o.select] ?? null, annotations);
            expect(fast).toEqual(general);
          }
          expect(userIndex(t).views.size).toBeLessThanOrEqual(MAX_USER_VIEWS);
        }
        for (const select of SELECTS) {
          const [fast, general] = both(t, select, annotations);
          expect(fast).toEqual(general);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("render a changed user again, and keep an unchanged user's text", () => {
    const t = tenant();
    const [adele, ben] = [newUser({ givenName: "Adele" }), newUser({ givenName: "Ben" })];
    insertUser(t, adele);
    insertUser(t, ben);
    const before = userViewTexts(t, null);
    const benText = before(ben);
    expect(before(adele)).toContain('"givenName":"Adele"');
    updateUser(t, adele, { givenName: "Adèle", jobTitle: "Retail Manager" });
    const after = userViewTexts(t, null);
    expect(after(adele)).toBe(JSON.stringify(userView(adele, null)));
    expect(after(adele)).toContain('"givenName":"Adèle","jobTitle":"Retail Manager"');
    expect(after(ben)).toBe(benText);
  });

  it("join a page and an entity as JSON.stringify writes them, with and without annotations", () => {
    expect(collectionText({}, [])).toBe(JSON.stringify({ value: [] }));
    expect(collectionText({ "@odata.context": "c" }, ['{"id":"1"}', "{}"])).toBe(JSON.stringify({ "@odata.context": "c", value: [{ id: "1" }, {}] }));
    expect(entityText({ "@odata.context": "c" }, '{"id":"1"}')).toBe(JSON.stringify({ "@odata.context": "c", id: "1" }));
    expect(entityText({ "@odata.context": "c" }, "{}")).toBe(JSON.stringify({ "@odata.context": "c" }));
    expect(entityText({}, '{"id":"1"}')).toBe('{"id":"1"}');
  });
});
