import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CONTOSO, FABRIKAM, startTestEmulator, type TestEmulator } from "../support/emulator.ts";
import { FormBrowser } from "../support/browser.ts";
import {
  announce, client, contentType, expectAuthorizeAnswer, expectEntraAnswer, expectHealthy, expectNoPollution, fuzz, nasty, pct, PROTO_KEYS, timeoutFor, type Send,
} from "./fuzz-support.ts";

/**
 * Random requests to the identity platform: the token endpoint (random form
 * fields, grant types, values, client authentication and content types) and
 * the authorize endpoint (GET with a random query, POST with a random form,
 * random session cookies). Never a 5xx, always an answer; a 4xx is Entra's
 * JSON error, or at /authorize Entra's error (or sign-in) page with its code.
 */
const MEGAN = { upn: "MeganB@contoso.onmicrosoft.com", password: "Passw0rd!" };
let emu: TestEmulator;
let send: Send;
let refreshToken = "";
let session = "";

beforeAll(async () => {
  announce("fuzz-identity");
  emu = await startTestEmulator();
  send = client(emu);
  const res = await send({
    method: "POST",
    path: `/${CONTOSO.id}/oauth2/v2.0/token`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, username: MEGAN.upn, password: MEGAN.password, scope: "openid offline_access" }).toString(),
  });
  expect(res.status, res.text).toBe(200);
  refreshToken = res.json.refresh_token;
  // A real sign-in session, so authorize also runs its signed-in paths.
  const browser = new FormBrowser(emu.baseUrl);
  const query = new URLSearchParams({ client_id: CONTOSO.webApp.clientId, response_type: "code", redirect_uri: CONTOSO.webApp.redirectUri, scope: "User.Read" });
  const page = await browser.get(`${emu.baseUrl}/${CONTOSO.id}/oauth2/v2.0/authorize?${query}`);
  await browser.signIn(page, MEGAN.upn, MEGAN.password);
  session = browser.cookies.get("emulator_session") ?? "";
  expect(session).not.toBe("");
});
afterEach(async () => {
  expectNoPollution();
  await expectHealthy(send);
  // The identity endpoints still issue tokens normally.
  const ok = await send({
    method: "POST",
    path: `/${CONTOSO.id}/oauth2/v2.0/token`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=client_credentials&client_id=${CONTOSO.daemon.clientId}&client_secret=${CONTOSO.daemon.secret}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default`,
  });
  expect(ok.status, ok.text).toBe(200);
});
afterAll(async () => {
  await emu?.close();
});

const tenant = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(CONTOSO.id, CONTOSO.domain, "common", "organizations", "consumers", FABRIKAM.id, "CONTOSO.ONMICROSOFT.COM", "contoso.com") },
  { weight: 1, arbitrary: fc.constantFrom("%zz", "%", "%00", "%ff", "..", "00000000-0000-0000-0000-000000000000", "a".repeat(300), "xn--bcher-kva.example", "-.-") },
  { weight: 1, arbitrary: nasty.map((s) => pct(s) || "x") },
);
const oneOf = <T,>(sane: T[], weight = 4) => fc.oneof({ weight, arbitrary: fc.constantFrom(...sane) }, { weight: 1, arbitrary: nasty });
const apps = [CONTOSO.webApp.clientId, CONTOSO.daemon.clientId, CONTOSO.teamTools.clientId, FABRIKAM.scheduler.clientId, CONTOSO.webApp.clientId.toUpperCase()];
const secrets = [CONTOSO.webApp.secret, CONTOSO.daemon.secret, CONTOSO.teamTools.secret, FABRIKAM.scheduler.secret, "wrong"];
const scopes = [
  "https://graph.microsoft.com/.default", "User.Read offline_access openid", ".default", "User.Read https://graph.microsoft.com/.default", "api://x/y", "openid profile email",
  "00000003-0000-0000-c000-000000000000/User.Read", "https://graph.microsoft.com//User.Read", "Calendars.ReadWrite User.Read.All", "", "  ", "OPENID",
];
const opaque = fc.tuple(fc.constantFrom(CONTOSO.id, FABRIKAM.id, "x", "", "\u00ff\u0000"), fc.base64String({ minLength: 20, maxLength: 70 })).map(([t, rest]) => `1.${Buffer.from(t).toString("base64url")}.${rest.replace(/[+/=]/g, "A")}`);
const tokenFieldArbs = {
  grant_type: oneOf(["authorization_code", "refresh_token", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:jwt-bearer", "device_code", "", "PASSWORD"], 6),
  client_id: oneOf(apps),
  client_secret: oneOf(secrets),
  scope: oneOf(scopes),
  username: oneOf([MEGAN.upn, "JohannaL@contoso.onmicrosoft.com", "AnnB@fabrikam.onmicrosoft.com", "nobody@contoso.onmicrosoft.com", "MEGANB@CONTOSO.ONMICROSOFT.COM"]),
  password: oneOf([MEGAN.password, "wrong", ""]),
  code: fc.oneof(opaque, nasty),
  refresh_token: fc.oneof({ weight: 2, arbitrary: fc.constant("<refresh>") }, { weight: 1, arbitrary: fc.nat().map((n) => `<refresh:${n}>`) }, { weight: 2, arbitrary: opaque }, { weight: 1, arbitrary: nasty }),
  redirect_uri: oneOf([CONTOSO.webApp.redirectUri, "http://evil.example/cb", "not a uri"]),
  code_verifier: nasty,
  client_assertion: nasty,
  client_assertion_type: oneOf(["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]),
  claims: oneOf(['{"access_token":{"xms_cc":{"values":["cp1"]}}}', "{", "null"]),
};
/** A well-formed request of each grant, to be mutated by up to three random fields. */
/** A template (chosen at random) with up to three of its fields replaced or added from `arbs`. */
function mutated(templates: Record<string, string>[], arbs: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Record<string, string>> {
  const change = fc.oneof(...Object.entries(arbs).map(([k, a]) => a.map((v): [string, string] => [k, v])));
  return fc.tuple(fc.nat(templates.length - 1), fc.array(change, { maxLength: 3 })).map(([i, changes]) => ({ ...templates[i], ...Object.fromEntries(changes) }));
}
const tokenTemplates: Record<string, string>[] = [
  { grant_type: "client_credentials", client_id: CONTOSO.daemon.clientId, client_secret: CONTOSO.daemon.secret, scope: "https://graph.microsoft.com/.default" },
  { grant_type: "password", client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, username: MEGAN.upn, password: MEGAN.password, scope: "openid offline_access" },
  { grant_type: "refresh_token", client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, refresh_token: "<refresh>" },
  { grant_type: "authorization_code", client_id: CONTOSO.webApp.clientId, client_secret: CONTOSO.webApp.secret, code: "1.x.y", redirect_uri: CONTOSO.webApp.redirectUri, code_verifier: "v" },
];
const tokenFields = fc.oneof({ weight: 9, arbitrary: mutated(tokenTemplates, tokenFieldArbs) }, { weight: 1, arbitrary: fc.constant({}) });
const extraFields = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS, "__proto__[polluted]", "grant_type", "client_id", "scope", "toString"), nasty), nasty), { maxLength: 3 });

/** A form body in one of several spellings: proper, raw, repeated fields, bad percent-encoding, raw high bytes. */
function formBody(fields: Record<string, string>, extra: [string, string][], style: number): Buffer {
  const pairs = [...Object.entries(fields), ...extra];
  switch (style % 10 < 6 ? 0 : style % 5) {
    case 0:
      return Buffer.from(new URLSearchParams(pairs).toString());
    case 1:
      return Buffer.from(pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&"));
    case 2:
      return Buffer.from(pairs.map(([k, v]) => `${k}=${v}`).join("&"), "latin1");
    case 3:
      return Buffer.from([...pairs, ...pairs].map(([k, v]) => `${pct(k)}=${pct(v)}%`).join("&"));
    default:
      return Buffer.concat([Buffer.from(new URLSearchParams(pairs).toString()), Buffer.from("&bad=\xff\xfe%zz%", "latin1")]);
  }
}
const basic = (text: string) => `Basic ${Buffer.from(text, "latin1").toString("base64")}`;
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...apps), fc.constantFrom(...secrets)).map(([id, secret]) => basic(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)) },
  { weight: 1, arbitrary: fc.constantFrom(basic("%zz:%zz"), basic(`${CONTOSO.daemon.clientId}:%E0%A4%A`), basic("%:x"), basic(":"), basic("nocolon"), basic("\xff\xfe:\x00"), "Basic !!!", "Basic ", "Bearer x", "basic    ") },
  { weight: 1, arbitrary: nasty.map((s) => `Basic ${Buffer.from(s, "utf8").toString("base64")}`) },
);

describe("random requests to the identity platform never give a 5xx", () => {
  it("the token endpoint: random form fields, grant types, values, client authentication and content types", { timeout: timeoutFor("identity: token endpoint") }, async () => {
    const input = fc.record({
      tenant,
      method: fc.oneof({ weight: 12, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH") }),
      fields: tokenFields,
      extra: extraFields,
      style: fc.nat(),
      type: fc.oneof({ weight: 8, arbitrary: fc.constant("application/x-www-form-urlencoded") }, { weight: 1, arbitrary: contentType }),
      authorization,
      json: fc.boolean(),
      query: fc.oneof({ weight: 4, arbitrary: fc.constant("") }, { weight: 1, arbitrary: nasty.map((s) => `?${pct(s)}=${pct(s)}&grant_type=client_credentials`) }),
    });
    await fuzz("identity: token endpoint", input, async ({ tenant: t, method, fields, extra, style, type, authorization: auth, json, query }) => {
      const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => {
        const m = /^<refresh(?::(\d+))?>$/.exec(v);
        if (!m) return [k, v];
        const n = Number(m[1] ?? -1);
        return [k, n < 0 ? refreshToken : `${refreshToken.slice(0, n % refreshToken.length)}${refreshToken.slice((n % refreshToken.length) + 1)}`];
      }));
      // Mostly a form; sometimes the same fields as JSON, which Entra does not read.
      const body = json && style % 5 === 0 ? Buffer.from(JSON.stringify(values)) : formBody(values, extra, style);
      const headers: Record<string, string> = { ...(type === undefined ? {} : { "content-type": type }), ...(auth === undefined ? {} : { authorization: auth }) };
      const path = `/${t}/oauth2/v2.0/token${query}`;
      const res = await send({ method, path, headers, ...(method === "GET" ? {} : { body }) });
      expectEntraAnswer(res, `${method} ${path} ${JSON.stringify(headers)} body=${JSON.stringify(body.toString("latin1").slice(0, 600))}`);
    });
  });

  it("the authorize endpoint: GET with a random query, POST with a random form, random cookies", { timeout: timeoutFor("identity: authorize") }, async () => {
    const paramArbs = {
      client_id: oneOf(apps),
      response_type: oneOf(["code", "token", "id_token", "code id_token", ""]),
      redirect_uri: oneOf([CONTOSO.webApp.redirectUri, "http://localhost:3000/auth/callback/", "http://evil.example/cb", "javascript:alert(1)"]),
      scope: oneOf(scopes),
      state: nasty,
      nonce: nasty,
      response_mode: oneOf(["query", "fragment", "form_post", "web_message"]),
      prompt: oneOf(["login", "consent", "none", "select_account", "admin_consent"]),
      login_hint: oneOf([MEGAN.upn, "nobody@contoso.onmicrosoft.com", "JohannaL@contoso.onmicrosoft.com"]),
      code_challenge: oneOf(["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "short"]),
      code_challenge_method: oneOf(["S256", "plain", "s256", "RS256"]),
      claims: oneOf(['{"id_token":{"auth_time":{"essential":true}}}', "{", "[]", "null"]),
      domain_hint: nasty,
    };
    const base = { client_id: CONTOSO.webApp.clientId, response_type: "code", redirect_uri: CONTOSO.webApp.redirectUri, scope: "User.Read openid", state: "s" };
    const params = mutated([base, { ...base, prompt: "consent", response_mode: "form_post" }, { ...base, client_id: CONTOSO.teamTools.clientId, redirect_uri: "http://localhost/callback" }], paramArbs);
    const carried = fc.oneof(
      { weight: 3, arbitrary: params.map((p) => Buffer.from(JSON.stringify(p)).toString("base64url")) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? "").toString("base64url")) },
      { weight: 1, arbitrary: nasty },
    );
    // The sign-in and consent forms the pages post back, mutated.
    const form = fc.tuple(carried, mutated([{ username: MEGAN.upn, password: MEGAN.password }, { consent: "accept" }, { consent: "accept", consent_for_org: "1" }, { username: MEGAN.upn, pick: "1" }], {
      username: oneOf([MEGAN.upn, "JohannaL@contoso.onmicrosoft.com", "AnnB@fabrikam.onmicrosoft.com", ""]),
      password: oneOf([MEGAN.password, "wrong"]),
      consent: oneOf(["accept", "decline"]),
      consent_for_org: oneOf(["1", "0"]),
      pick: oneOf(["1"]),
      request: carried,
    })).map(([request, f]) => ({ request, ...f }));
    const cookie = fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.constant("<session>") },
      { weight: 1, arbitrary: fc.constantFrom("emulator_session=%zz", "emulator_session=%", "emulator_session=%E0%A4%A", "emulator_session=", "=;;;=", `emulator_session=${CONTOSO.id}.${CONTOSO.id}`) },
      { weight: 1, arbitrary: nasty.map((s) => `emulator_session=${s.replace(/[^\x21-\x7e]/g, "")}`) },
    );
    const input = fc.record({ tenant, post: fc.boolean(), params, form, extra: extraFields, style: fc.nat(), cookie, type: fc.oneof({ weight: 4, arbitrary: fc.constant("application/x-www-form-urlencoded") }, { weight: 1, arbitrary: contentType }) });
    await fuzz("identity: authorize", input, async ({ tenant: t, post, params: p, form: f, extra, style, cookie: c, type }) => {
      const headers: Record<string, string> = c === undefined ? {} : { cookie: c === "<session>" ? `emulator_session=${session}` : c };
      let path = `/${t}/oauth2/v2.0/authorize`;
      let body: Buffer | undefined;
      if (post) {
        body = formBody(style % 2 ? f : { ...p, ...f }, extra, style);
        if (type !== undefined) headers["content-type"] = type;
      } else {
        // Raw bytes above 0x7e never reach the app (Node's parser answers 400 itself: see fuzz-limits), so they go percent-encoded.
        path += `?${formBody(p, extra, style).toString("latin1").replace(/[^\x21-\x7e]/g, (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, "0")}`)}`;
      }
      const res = await send({ method: post ? "POST" : "GET", path, headers, ...(body ? { body } : {}) });
      expectAuthorizeAnswer(res, `${post ? "POST" : "GET"} ${path} ${JSON.stringify(headers)} body=${JSON.stringify(body?.toString("latin1").slice(0, 600))}`);
    });
  });
});
