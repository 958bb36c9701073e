import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { emptyTenant } from "../../tenants/seed.ts";
import type { TenantState, User } from "../../store/types.ts";
import { findUser, insertUser, removeUser, updateUser } from "../../directory/users.ts";
import { userIndex } from "../../directory/user-index.ts";
import { planFilter } from "./filter-plan.ts";
import { runUserQuery } from "./list.ts";
import { checkUserFilter } from "./filter-rules.ts";
import { evaluateFilter, parseFilter } from "../odata/index.ts";
import type { UserListQuery } from "./query.ts";

/**
 * The in-memory users indexes: lookups by id and UPN and indexed $filter
 * clauses must give exactly what a full scan gives, stay right across
 * inserts, updates and deletes, and not scan at 100,000 users.
 */
const NAMES = ["Adele", "Adam", "Alex", "Ann", "Ben", "Bea", "Diego", "Lee", "Megan", "Zoe", "adrian", "ÄDA"];
const DEPARTMENTS = ["Retail", "HR", "Sales", "retail", null];

function makeUser(i: number, name: string, department: string | null): User {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    userPrincipalName: `u${i}@contoso.onmicrosoft.com`,
    displayName: `${name} ${i % 7}`,
    givenName: name,
    surname: null,
    mail: i % 3 === 0 ? null : `u${i}@contoso.com`,
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    businessPhones: [],
    accountEnabled: i % 5 !== 0,
    password: "x",
    directoryRoles: [],
    tokensValidFrom: new Date(0).toISOString(),
    department,
  };
}

function tenant(): TenantState {
  return emptyTenant({ id: "11111111-1111-4111-8111-111111111111", displayName: "T", defaultDomain: "contoso.onmicrosoft.com", domains: [] });
}

const query = (filter: string): UserListQuery => ({
  select: null,
  filter: checkUserFilter(parseFilter(filter)).expr,
  orderBy: null,
  search: null,
  top: 999,
  count: true,
  offset: 0,
  fingerprint: "",
});

/** What a full scan finds, as sorted ids. */
function scan(t: TenantState, filter: string): string[] {
  const expr = checkUserFilter(parseFilter(filter)).expr;
  return t.users.filter((u) => evaluateFilter(expr, u as unknown as Record<string, unknown>)).map((u) => u.id).sort();
}
const viaIndex = (t: TenantState, filter: string) => runUserQuery(t, query(filter)).items.map((u) => u.id).sort();

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const text = fc.oneof(fc.constantFrom(...NAMES, "A", "a", "ad", "Z", "", "Retail", "u1@contoso.onmicrosoft.com"), fc.string({ maxLength: 3 }));
const clause = fc.oneof(
  text.map((v) => `startswith(displayName,${quote(v)})`),
  text.map((v) => `givenName eq ${quote(v)}`),
  text.map((v) => `displayName ge ${quote(v)}`),
  text.map((v) => `displayName le ${quote(v)}`),
  fc.constantFrom(...DEPARTMENTS.filter((d): d is string => d !== null)).map((v) => `department eq ${quote(v)}`),
  fc.array(text, { minLength: 1, maxLength: 3 }).map((vs) => `givenName in (${vs.map(quote).join(",")})`),
  fc.constantFrom("accountEnabled eq true", "accountEnabled eq false", `userPrincipalName eq 'u7@contoso.onmicrosoft.com'`, `id eq '00000000-0000-4000-8000-000000000003'`),
);
const filterArb = fc.oneof(
  clause,
  fc.tuple(clause, clause).map(([a, b]) => `${a} and ${b}`),
  fc.tuple(clause, clause).map(([a, b]) => `${a} or ${b}`),
  fc.tuple(clause, clause, clause).map(([a, b, c]) => `(${a} or ${b}) and ${c}`),
);

describe("indexed $filter against a full scan", () => {
  it("finds exactly what a scan finds, for random filters, across inserts, updates and deletes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...DEPARTMENTS)), { minLength: 0, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(60), fc.constantFrom(...NAMES), fc.constantFrom("insert", "rename", "delete")), { maxLength: 15 }),
        filterArb,
        (people, edits, filter) => {
          const t = tenant();
          people.forEach(([name, dept], i) => insertUser(t, makeUser(i, name, dept)));
          expect(viaIndex(t, filter)).toEqual(scan(t, filter));
          let next = people.length;
          for (const [n, name, kind] of edits) {
            const target = t.users[n % Math.max(1, t.users.length)];
            if (kind === "insert" || !target) insertUser(t, makeUser(next++, name, "Sales"));
            else if (kind === "rename") updateUser(t, target, { displayName: `${name} renamed`, givenName: name, userPrincipalName: `r${n}-${target.userPrincipalName}` });
            else removeUser(t, target);
          }
          expect(viaIndex(t, filter)).toEqual(scan(t, filter));
          for (const u of t.users) {
            expect(findUser(t, u.id)).toBe(u);
            expect(findUser(t, u.userPrincipalName.toUpperCase())).toBe(u);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rebuilds when the users array is replaced or changed behind the model", () => {
    const t = tenant();
    insertUser(t, makeUser(1, "Adele", null));
    expect(findUser(t, "u1@contoso.onmicrosoft.com")?.givenName).toBe("Adele");
    t.users.push(makeUser(2, "Ben", null));
    expect(findUser(t, "u2@contoso.onmicrosoft.com")?.givenName).toBe("Ben");
    t.users = [makeUser(3, "Zoe", null)];
    expect(findUser(t, "u1@contoso.onmicrosoft.com")).toBeUndefined();
    expect(findUser(t, "u3@contoso.onmicrosoft.com")?.givenName).toBe("Zoe");
  });
});

describe("at 100,000 users", () => {
  const t = tenant();
  const first = ["Adele", "Adam", "Alex", "Ben", "Chris", "Diego", "Emma", "Lee", "Megan", "Zoe"];
  for (let i = 0; i < 100_000; i++) insertUser(t, makeUser(i, `${first[i % first.length]}${String.fromCharCode(97 + (i % 26))}`, i % 2 ? "Sales" : "HR"));

  it("serves startswith(displayName,'Ad') from the index, touching only the matching range", () => {
    const expr = checkUserFilter(parseFilter("startswith(displayName,'Ad')")).expr;
    const plan = planFilter(expr, userIndex(t));
    expect(plan).not.toBeNull();
    expect(plan!.size).toBe(20_000);
    const page = runUserQuery(t, { ...query("startswith(displayName,'Ad')"), top: 100, count: false });
    expect(page.items).toHaveLength(100);
    expect(page.next).toBe(100);
  });

  it("picks the narrowest indexed clause of an and, and finds by id and UPN without scanning", () => {
    const expr = checkUserFilter(parseFilter("department eq 'Sales' and givenName eq 'Adelea'")).expr;
    // Every 130th user is "Adelea" (10 first names × 26 letters); half the directory is in Sales.
    expect(planFilter(expr, userIndex(t))!.size).toBe(770);
    const id = `00000000-0000-4000-8000-${String(54_321).padStart(12, "0")}`;
    expect(findUser(t, id)?.userPrincipalName).toBe("u54321@contoso.onmicrosoft.com");
    expect(findUser(t, "U54321@CONTOSO.ONMICROSOFT.COM")?.id).toBe(id);
  });
});
