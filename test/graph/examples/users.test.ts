import { afterAll, beforeAll, describe } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { addUsers, U } from "../users/support.ts";
import { callerTokens, exampleTests, listedDifferencesTest, send, type DocExample, type ExampleRunner, type Shape } from "./support.ts";

/**
 * Users: Microsoft's examples for get, list, create, update, delete, manager,
 * directReports, memberOf and delta, replayed against the emulator. The
 * caller is Megan (a Global Administrator, as the pages' signed-in user must
 * be to change other users) unless an example names another.
 */
let emu: TestEmulator;
let runner: ExampleRunner;

const ids = { adele: U.adele.id, alex: U.alex.id, diego: U.diego.id, isaiah: U.isaiah.id, megan: U.megan.id };

beforeAll(async () => {
  emu = await startTestEmulator();
  const tokens = await callerTokens(emu, { megan: U.megan.upn, adele: U.adele.upn });
  runner = { emu, tokens, vars: { ...ids }, caller: "megan" };
  // The pages' Adele has a mobile phone and a postal code; the pages' searches find these users.
  await send(emu, tokens.app as string, "PATCH", `/users/${ids.adele}`, { mobilePhone: "+1 425 555 0109", postalCode: "98004" });
  await addUsers(emu, [
    { displayName: "John Smith", userPrincipalName: "jsmith@contoso.onmicrosoft.com", identities: [{ signInType: "emailAddress", issuer: "My B2C tenant", issuerAssignedId: "j.smith@yahoo.com" }] },
    { displayName: "Grady Archie", givenName: "Grady", jobTitle: "Designer", mail: "GradyA@contoso.com", userPrincipalName: "GradyA@contoso.com" },
    { displayName: "Oscar Ward", givenName: "Oscar", mail: "oscarward@contoso.com", userPrincipalName: "oscarward@contoso.com" },
    { displayName: "Adele Vance (Adatum)", mail: "AdeleV@adatum.com", userPrincipalName: "AdeleV_adatum.com#EXT#@contoso.com", userType: "Guest" },
  ]);
});
afterAll(async () => emu?.close());

const DEFAULT: Shape = {
  businessPhones: "array",
  displayName: "string",
  givenName: "string",
  jobTitle: "string",
  mail: "string",
  mobilePhone: "string",
  officeLocation: "string",
  preferredLanguage: "string",
  surname: "string",
  userPrincipalName: "string",
  id: "string",
};
/** The default properties of any user: the pages show null for what a user lacks. */
const DEFAULT_NULLABLE: Shape = { ...DEFAULT, givenName: "string|null", jobTitle: "string|null", mail: "string|null", mobilePhone: "string|null", officeLocation: "string|null", preferredLanguage: "string|null", surname: "string|null" };
const EVENTUAL = { ConsistencyLevel: "eventual" };

const GET_USER: DocExample[] = [
  { id: "user-get.md#get_user_1", method: "GET", path: "/users/{adele}", status: 200, shape: DEFAULT, also: [{ path: `/users/${U.adele.upn}` }] },
  { id: "user-get.md#get_user", as: "adele", method: "GET", path: "/me", status: 200, shape: DEFAULT },
  {
    id: "user-get.md#get_user_select_e3",
    method: "GET",
    path: "/users/{adele}?$select=displayName,givenName,postalCode,identities",
    status: 200,
    context: "users(displayName,givenName,postalCode,identities)/$entity",
    shape: { displayName: "string", givenName: "string", postalCode: "string", identities: "array" },
    only: true,
  },
  {
    id: "user-get.md#get_schemaextension_selectCourse",
    method: "GET",
    path: "/users/{adele}?$select=ext55gb1l09_msLearnCourses",
    status: 200,
    context: "users(ext55gb1l09_msLearnCourses)/$entity",
    shape: { ext55gb1l09_msLearnCourses: "object" },
    only: true,
    instead: { shape: {} },
  },
  {
    id: "user-get.md#get_user_customsecurityattributes",
    method: "GET",
    path: "/users/{adele}?$select=customSecurityAttributes",
    status: 200,
    context: "users(customSecurityAttributes)/$entity",
    shape: { customSecurityAttributes: "object|null" },
    only: true,
  },
];

const LIST_USERS: DocExample[] = [
  { id: "user-list.md#get_users_2", method: "GET", path: "/users", status: 200, context: "users", items: DEFAULT_NULLABLE },
  {
    id: "user-list.md#get_signinname_users",
    method: "GET",
    path: "/users?$select=displayName,id&$filter=identities/any(c:c/issuerAssignedId eq 'j.smith@yahoo.com' and c/issuer eq 'My B2C tenant')",
    status: 200,
    items: { displayName: "string", id: "string" },
    only: true,
  },
  { id: "user-list.md#get_count_only", method: "GET", path: "/users/$count", requestHeaders: EVENTUAL, status: 200, text: "text/plain" },
  {
    id: "user-list.md#list_users_startswith",
    method: "GET",
    path: "/users?$filter=startswith(displayName,'a')&$orderby=displayName&$count=true&$top=1",
    requestHeaders: EVENTUAL,
    status: 200,
    context: "users",
    shape: { "@odata.count": "number" },
    items: { displayName: "string", mail: "string", mailNickname: "string", userPrincipalName: "string" },
    // Without $select Graph returns the default properties, which do not include mailNickname (user-get.md).
    instead: { items: { displayName: "string", mail: "string", userPrincipalName: "string" } },
  },
  {
    id: "user-list.md#get_a_count_endsWith",
    method: "GET",
    path: "/users?$filter=endswith(mail,'a@contoso.com')&$orderby=userPrincipalName&$count=true",
    requestHeaders: EVENTUAL,
    status: 200,
    context: "users",
    shape: { "@odata.count": "number" },
    items: { displayName: "string", givenName: "string", jobTitle: "string", mail: "string", userPrincipalName: "string", id: "string" },
  },
  {
    id: "user-list.md#get_wa_count",
    method: "GET",
    path: '/users?$search="displayName:wa"&$orderby=displayName&$count=true',
    requestHeaders: EVENTUAL,
    status: 200,
    context: "users",
    shape: { "@odata.count": "number" },
    items: { displayName: "string", givenName: "string", mail: "string", userPrincipalName: "string" },
  },
  {
    id: "user-list.md#get_to_count",
    method: "GET",
    path: '/users?$search="displayName:wa" OR "displayName:ad"&$orderbydisplayName&$count=true',
    requestHeaders: EVENTUAL,
    status: 200,
    context: "users",
    shape: { "@odata.count": "number" },
    items: { displayName: "string", mail: "string", userPrincipalName: "string" },
    instead: { status: 400, code: "BadRequest", context: undefined, shape: undefined, items: undefined },
  },
  {
    id: "user-list.md#get_b2b_users",
    method: "GET",
    path: "/users?$select=id,displayName,mail,identities&$filter=endsWith(userPrincipalName,'%23EXT%23@contoso.com')&$count=true",
    requestHeaders: EVENTUAL,
    status: 200,
    context: "users(id,displayName,mail,identities)",
    shape: { "@odata.count": "number" },
    items: { id: "string", displayName: "string", mail: "string", identities: "array" },
    only: true,
  },
  {
    id: "user-list.md#get_user_assignedLicenses",
    method: "GET",
    path: "/users?$select=id,mail,assignedLicenses&$filter=assignedLicenses/any(u:u/skuId eq cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46)",
    status: 200,
    context: "users(id,mail,assignedLicenses)",
    items: { id: "string", mail: "string", assignedLicenses: "array" },
    only: true,
    instead: { items: undefined, shape: { value: "array" } },
  },
  // Users without the extension read as {}: that is every user here.
  { id: "user-list.md#list_users_schemaextension", method: "GET", path: "/users?$select=ext55gb1l09_msLearnCourses", status: 200, context: "users(ext55gb1l09_msLearnCourses)", items: {}, only: true },
  {
    id: "user-list.md#get_users_signin_last_time",
    method: "GET",
    path: "/users?$select=displayName,userPrincipalName,signInActivity",
    status: 200,
    context: "users(displayName,userPrincipalName,signInActivity)",
    items: { displayName: "string", userPrincipalName: "string", id: "string", signInActivity: "object" },
    only: true,
    instead: { items: { displayName: "string", userPrincipalName: "string", signInActivity: "null" } },
  },
];

const MANAGER_AND_REPORTS: DocExample[] = [
  {
    id: "user-list-manager.md#get_manager_2",
    method: "GET",
    path: "/users/{adele}/manager",
    status: 200,
    shape: { id: "string", displayName: "string", jobTitle: "string", mail: "string", userPrincipalName: "string" },
    also: [{ path: "/me/manager" }],
  },
  {
    id: "user-list-manager.md#get_transitive_managers",
    as: "adele",
    method: "GET",
    path: "/me?$expand=manager($levels=max;$select=id,displayName)&$select=id,displayName&$count=true",
    requestHeaders: EVENTUAL,
    status: 200,
    shape: { id: "string", displayName: "string", manager: "object", "manager/id": "string", "manager/displayName": "string", "manager/manager/displayName": "string" },
  },
  { id: "user-post-manager.md#create_manager_from_group", method: "PUT", path: "/users/{diego}/manager/$ref", body: { "@odata.id": "https://graph.microsoft.com/v1.0/users/{adele}" }, status: 204 },
  { id: "user-delete-manager.md#remove_manager", method: "DELETE", path: "/users/{isaiah}/manager/$ref", status: 204 },
  { id: "user-list-directreports.md#get_directreports", method: "GET", path: "/me/directReports", status: 200, items: { id: "string" }, also: [{ path: "/users/{megan}/directReports" }] },
  {
    id: "user-list-memberof.md#user_get_memberof",
    method: "GET",
    path: "/users/{adele}/memberOf",
    status: 200,
    items: { "@odata.type": "string", displayName: "string", mailEnabled: "boolean", securityEnabled: "boolean" },
    also: [{ path: "/me/memberOf", as: "adele" }],
  },
];

const DELTA: DocExample[] = [
  { id: "user-delta.md#user_delta", method: "GET", path: "/users/delta", status: 200, context: "users", shape: { "@odata.nextLink|@odata.deltaLink": "string" }, items: DEFAULT_NULLABLE },
  // The pages show the answer to a later round (a deltaLink, which carries no $select), so its @odata.context is not this request's.
  { id: "user-delta.md#user_delta_select", method: "GET", path: "/users/delta?$select=displayName,jobTitle,mobilePhone", status: 200, items: { displayName: "string", jobTitle: "string|null", mobilePhone: "string|null" } },
  {
    id: "user-delta.md#user_delta_minimal",
    method: "GET",
    path: "/users/delta?$select=displayName,jobTitle,mobilePhone",
    requestHeaders: { Prefer: "return=minimal" },
    status: 200,
    items: { displayName: "string", jobTitle: "string|null" },
  },
];

/** A user made for an example to change or delete. */
async function throwawayUser(name: string): Promise<string> {
  const res = await fetch(`${emu.adminUrl}/tenants/${CONTOSO.id}/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ displayName: name, userPrincipalName: `${name.toLowerCase()}@contoso.onmicrosoft.com` }),
  });
  return ((await res.json()) as { id: string }).id;
}

const WRITE: DocExample[] = [
  {
    id: "user-post-users.md#create_user_from_users",
    as: "app",
    method: "POST",
    path: "/users",
    // The page creates Adele: the fixture's Adele makes way first.
    setup: async () => {
      await send(emu, runner.tokens.app as string, "DELETE", `/users/${ids.adele}`);
      return {};
    },
    body: { accountEnabled: true, displayName: "Adele Vance", mailNickname: "AdeleV", userPrincipalName: "AdeleV@contoso.onmicrosoft.com", passwordProfile: { forceChangePasswordNextSignIn: true, password: "xWwvJ]6NMw+bWH-d" } },
    status: 201,
    context: "users/$entity",
    // The request sets no given name, job, mail, phone, office, language or surname: they read as null.
    shape: DEFAULT_NULLABLE,
  },
  {
    id: "user-post-users.md#create_user_from_users_identities",
    as: "app",
    method: "POST",
    path: "/users",
    body: {
      displayName: "John Smith",
      identities: [
        { signInType: "userName", issuer: "contoso.onmicrosoft.com", issuerAssignedId: "johnsmith" },
        { signInType: "emailAddress", issuer: "contoso.onmicrosoft.com", issuerAssignedId: "jsmith@yahoo.com" },
        { signInType: "federated", issuer: "facebook.com", issuerAssignedId: "5eecb0cd" },
      ],
      passwordProfile: { password: "password-value", forceChangePasswordNextSignIn: false },
      passwordPolicies: "DisablePasswordExpiration",
    },
    status: 201,
    context: "users/$entity",
    shape: { displayName: "string", id: "string", identities: "array", passwordPolicies: "string" },
    instead: { status: 400, code: "Request_BadRequest", context: undefined, shape: undefined },
  },
  { id: "user-update.md#update_user", method: "PATCH", path: "/me", body: { businessPhones: ["+1 425 555 0109"], officeLocation: "18/2111" }, status: 204 },
  { id: "user-update.md#update_other_user", method: "PATCH", path: "/users/{alex}", body: { businessPhones: ["+1 425 555 0109"], officeLocation: "18/2111" }, status: 204 },
  {
    id: "user-update.md#update_user_passwordProfile",
    method: "PATCH",
    path: "/users/{alex}",
    body: { passwordProfile: { forceChangePasswordNextSignIn: false, password: "xWwvJ]6NMw+bWH-d" } },
    status: 204,
  },
  { id: "user-delete.md#delete_user", method: "DELETE", path: "/users/{user}", setup: async () => ({ user: await throwawayUser("Leaving") }), status: 204 },
];

const ALL = [...GET_USER, ...LIST_USERS, ...MANAGER_AND_REPORTS, ...DELTA, ...WRITE];

describe("user-get.md", () => exampleTests(() => runner, GET_USER));
describe("user-list.md", () => exampleTests(() => runner, LIST_USERS));
describe("manager, directReports, memberOf", () => exampleTests(() => runner, MANAGER_AND_REPORTS));
describe("user-delta.md", () => exampleTests(() => runner, DELTA));
// Last: creating the page's Adele removes the fixture's.
describe("create, update, delete", () => exampleTests(() => runner, WRITE));
describe("known differences", () => listedDifferencesTest(ALL));
