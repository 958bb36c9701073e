import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { appToken, userToken } from "../support/graph.ts";
import { announce, client, expectHealthy, expectNoPollution, fuzz, graphWrite, idSegment, nasty, payload, timeoutFor, type Send } from "./fuzz-support.ts";

/**
 * Random JSON and non-JSON bodies, with random content types and encodings,
 * on every users write: POST /users, PATCH /users/{id} and /me, DELETE
 * /users/{id}, PUT and DELETE /users/{id}/manager/$ref. Never a 5xx, always
 * an answer, every 4xx in Graph's envelope.
 */
const PASSWORD = "Passw0rd!";
const MEGAN = { id: "48d31887-5fad-4d73-a9f5-3c356e68a038", upn: "MeganB@contoso.onmicrosoft.com", password: PASSWORD };
const ISAIAH = { id: "c03e6eaa-b6ab-46d7-905b-73ec7ea1f755", upn: "IsaiahL@contoso.onmicrosoft.com", password: PASSWORD };
const ALEX = "5bde3e51-d13b-4db1-9948-fe4b109d11a7";
const ADELE = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
const LEE = "e3d0513b-449e-4198-ba6f-bd97ae7cae85";
let emu: TestEmulator;
let send: Send;
let admin: string;
let app: string;
let self: string;

beforeAll(async () => {
  announce("fuzz-graph-users");
  emu = await startTestEmulator();
  send = client(emu);
  admin = await userToken(emu, CONTOSO.id, MEGAN, ["User.ReadWrite.All"]);
  self = await userToken(emu, CONTOSO.id, ISAIAH, ["User.ReadWrite"]);
  app = await appToken(emu, CONTOSO.id, ["User.ReadWrite.All"]);
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send, app);
});
afterAll(async () => {
  await emu?.close();
});

let serial = 0;
const freshUpn = () => `fuzz-${process.pid}-${++serial}@contoso.onmicrosoft.com`;
const validUser = () => ({ accountEnabled: true, displayName: "Fuzz user", mailNickname: `fuzz${serial}`, userPrincipalName: freshUpn(), passwordProfile: { password: "Str0ng!Passw0rd" } });

/** A user to delete or re-manage, made with a valid request. */
async function freshUser(): Promise<string> {
  const res = await send({ method: "POST", path: "/v1.0/users", headers: { authorization: `Bearer ${app}`, "content-type": "application/json" }, body: JSON.stringify(validUser()) });
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

const upn = fc.oneof(
  { weight: 3, arbitrary: fc.constant("<fresh>") },
  { weight: 2, arbitrary: fc.constantFrom("AdeleV@contoso.onmicrosoft.com", "x@fabrikam.com", "noatsign", "@contoso.com", "a@", "a@@contoso.com", "a b@contoso.com", "x#EXT#@contoso.onmicrosoft.com", ".a@contoso.com", `${"a".repeat(120)}@contoso.com`) },
  { weight: 1, arbitrary: nasty },
);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const fields = {
  accountEnabled: fc.oneof(fc.boolean(), nasty, anyJson),
  displayName: fc.oneof(fc.string({ maxLength: 20 }), nasty, fc.constant(null), fc.integer(), fc.constant("x".repeat(300))),
  mailNickname: fc.oneof(fc.stringMatching(/^[a-z]{1,10}$/), nasty),
  userPrincipalName: upn,
  passwordProfile: fc.oneof(
    fc.record({ password: fc.oneof(fc.constantFrom("Str0ng!Passw0rd", "short", "alllowercase1", "x".repeat(300)), nasty), forceChangePasswordNextSignIn: fc.oneof(fc.boolean(), nasty) }, { requiredKeys: [] }),
    anyJson,
  ),
  businessPhones: fc.oneof(fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), nasty, anyJson),
  otherMails: fc.oneof(fc.constant(["a@b.com"]), fc.array(nasty, { maxLength: 3 }), anyJson),
  identities: fc.oneof(fc.array(fc.record({ signInType: fc.oneof(fc.constantFrom("emailAddress", "userName", "federated"), nasty), issuer: nasty, issuerAssignedId: nasty }, { requiredKeys: [] }), { maxLength: 2 }), anyJson),
  birthday: fc.oneof(fc.constantFrom("2000-01-01T00:00:00Z", "2000-13-45", "0000-00-00T00:00:00Z", "+275760-09-13T00:00:00Z"), nasty),
  hireDate: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), nasty),
  employeeOrgData: fc.oneof(fc.record({ costCenter: nasty, division: nasty, region: nasty }, { requiredKeys: [] }), anyJson),
  interests: fc.oneof(fc.array(nasty, { maxLength: 3 }), anyJson),
  usageLocation: fc.oneof(fc.constantFrom("US", "DE", "usa", "1"), nasty),
  ageGroup: fc.oneof(fc.constantFrom("Minor", "Adult", "adult"), nasty),
  userType: fc.oneof(fc.constantFrom("Member", "Guest", "Admin"), nasty),
  mail: fc.oneof(fc.constantFrom("x@contoso.com", "bad mail", null), nasty),
  jobTitle: nasty,
  aboutMe: nasty,
  id: fc.oneof(fc.constantFrom(ALEX, ADELE), nasty),
  createdDateTime: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  "manager@odata.bind": fc.oneof(fc.constant(`https://graph.microsoft.com/v1.0/users/${ADELE}`), nasty),
  "@odata.type": fc.oneof(fc.constantFrom("#microsoft.graph.user", "#microsoft.graph.group"), nasty),
  signInActivity: anyJson,
};
const extras = fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "DisplayName", "@odata.id"), nasty), anyJson, { maxKeys: 3 });
const withFresh = (v: unknown): unknown => (v === "<fresh>" ? freshUpn() : v);
const PROTECTED = new Set([ALEX, LEE, ADELE, "AlexW@contoso.onmicrosoft.com", "('AlexW@contoso.onmicrosoft.com')"]);
const userBody = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.record(fields, { requiredKeys: [] }), extras).map(([f, x]) => ({ ...x, ...f, userPrincipalName: withFresh(f.userPrincipalName) })) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...(Object.keys(fields) as (keyof typeof fields)[])), fc.oneof(anyJson, nasty)).map(([k, v]) => ({ ...validUser(), [k]: v })) },
  { weight: 1, arbitrary: anyJson },
);
const refId = (id: string) => fc.constantFrom(`https://graph.microsoft.com/v1.0/users/${id}`, `https://graph.microsoft.com/v1.0/directoryObjects/${id}`, id, `${id}/`, `https://graph.microsoft.com/v1.0/users('${id}')`);
const refBody = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.record({ "@odata.id": fc.oneof(refId(ADELE), refId(ALEX), refId(LEE), refId(MEGAN.id), nasty, anyJson) }, { requiredKeys: [] }), extras).map(([f, x]) => ({ ...x, ...f })) },
  { weight: 1, arbitrary: anyJson },
);

describe("random bodies on users writes never give a 5xx", () => {
  it("POST /users, PATCH /users/{id} and /me, DELETE /users/{id}, PUT and DELETE manager/$ref", { timeout: timeoutFor("bodies: users and manager $ref") }, async () => {
    const target = fc.constantFrom("post", "patch", "patch-me", "delete", "put-ref", "delete-ref");
    const input = fc.record({
      target,
      user: payload(userBody),
      ref: payload(refBody),
      id: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(ALEX, LEE, "<fresh>") }, { weight: 1, arbitrary: idSegment([ADELE, "AlexW@contoso.onmicrosoft.com", `('AlexW@contoso.onmicrosoft.com')`]) }),
      asApp: fc.boolean(),
    });
    await fuzz("bodies: users and manager $ref", input, async ({ target: t, user, ref, id, asApp }) => {
      const token = asApp ? app : admin;
      // DELETE never takes a fixture user away from later cases.
      const fresh = id === "<fresh>" || (t === "delete" && PROTECTED.has(id));
      const key = fresh ? await freshUser() : id;
      let res;
      switch (t) {
        case "post":
          res = await graphWrite(send, token, "POST", "/v1.0/users", user.body, user.headers);
          break;
        case "patch":
          res = await graphWrite(send, token, "PATCH", `/v1.0/users/${key}`, user.body, user.headers);
          break;
        case "patch-me":
          res = await graphWrite(send, self, "PATCH", "/v1.0/me", user.body, user.headers);
          break;
        case "delete":
          res = await graphWrite(send, token, "DELETE", `/v1.0/users/${key}`, user.body.length % 4 ? undefined : user.body, user.headers);
          break;
        case "put-ref":
          res = await graphWrite(send, token, "PUT", `/v1.0/users/${key}/manager/$ref`, ref.body, ref.headers);
          break;
        case "delete-ref":
          res = await graphWrite(send, token, "DELETE", `/v1.0/users/${key}/manager/$ref`, ref.body.length % 4 ? undefined : ref.body, ref.headers);
          break;
      }
      // Keep the directory small in long runs: a created user goes again.
      if (t === "post" && res.status === 201) await graphWrite(send, app, "DELETE", `/v1.0/users/${res.json.id as string}`, undefined, {});
      // Reads over what the write left behind still answer (manager chains, views of odd values).
      if (t !== "delete" && t !== "post") {
        const read = await graphWrite(send, app, "GET", `/v1.0/users/${key}?$expand=manager`, undefined, {});
        if (read.status === 200) await graphWrite(send, app, "GET", `/v1.0/users/${key}/directReports`, undefined, {});
        if (fresh) await graphWrite(send, app, "DELETE", `/v1.0/users/${key}`, undefined, {});
      }
    });
  });
});
