import { afterAll, beforeAll, describe } from "vitest";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { USERS } from "../calendar/support.ts";
import { callerTokens, exampleTests, listedDifferencesTest, send, type DocExample, type ExampleRunner, type Shape, type Vars } from "./support.ts";

/** Calendars: Microsoft's examples for get, list, create, update and delete, replayed as Adele. */
let emu: TestEmulator;
let runner: ExampleRunner;

beforeAll(async () => {
  emu = await startTestEmulator();
  const tokens = await callerTokens(emu, { adele: USERS.adele.upn });
  const calendar = (await send(emu, tokens.adele as string, "GET", "/me/calendar")).body.id as string;
  runner = { emu, tokens, vars: { me: USERS.adele.id, tenant: CONTOSO.id, calendar }, caller: "adele" };
});
afterAll(async () => emu?.close());

/** The page creates "Volunteer": a second replay finds the first one gone. */
async function removeVolunteer(): Promise<Vars> {
  const calendars = await send(emu, runner.tokens.adele as string, "GET", "/me/calendars");
  for (const c of calendars.body.value as { id: string; name: string }[]) if (c.name === "Volunteer") await send(emu, runner.tokens.adele as string, "DELETE", `/me/calendars/${c.id}`);
  return {};
}

/** A calendar that is not the default one, to delete: {spare}. */
async function spareCalendar(): Promise<Vars> {
  const made = await send(emu, runner.tokens.adele as string, "POST", "/me/calendars", { name: `Spare ${Math.random().toString(36).slice(2, 8)}` });
  return { spare: made.body.id };
}

const CALENDAR: Shape = {
  "@odata.id": "string",
  id: "string",
  name: "string",
  color: "string",
  isDefaultCalendar: "boolean",
  changeKey: "string",
  canShare: "boolean",
  canViewPrivateItems: "boolean",
  hexColor: "string",
  canEdit: "boolean",
  allowedOnlineMeetingProviders: "array",
  defaultOnlineMeetingProvider: "string",
  isTallyingResponses: "boolean",
  isRemovable: "boolean",
  owner: "object",
  "owner/name": "string",
  "owner/address": "string",
};
const DEFAULT_ID = { "@odata.id": "users('{me}@{tenant}')/calendars('{calendar}')" };

const EXAMPLES: DocExample[] = [
  {
    id: "calendar-get.md#get_calendar",
    method: "GET",
    path: "/me/calendar",
    status: 200,
    context: "me/calendars/$entity",
    links: DEFAULT_ID,
    shape: CALENDAR,
    also: [{ path: "/users/{me}/calendar" }, { path: "/me/calendars/{calendar}" }, { path: "/users/{me}/calendars/{calendar}" }],
  },
  {
    id: "user-list-calendars.md#user_get_calendars",
    method: "GET",
    path: "/me/calendars",
    status: 200,
    context: "me/calendars",
    links: { "value/0/@odata.id": DEFAULT_ID["@odata.id"] },
    items: CALENDAR,
    also: [{ path: "/users/{me}/calendars" }],
  },
  {
    id: "user-post-calendars.md#create_calendar_from_user",
    method: "POST",
    path: "/me/calendars",
    body: { name: "Volunteer" },
    status: 201,
    context: "me/calendars/$entity",
    shape: CALENDAR,
    also: [{ path: "/users/{me}/calendars", setup: removeVolunteer }],
  },
  {
    id: "calendar-update.md#update_calendar",
    method: "PATCH",
    path: "/me/calendar",
    body: { name: "Social events" },
    status: 200,
    context: "me/calendars/$entity",
    links: DEFAULT_ID,
    shape: CALENDAR,
    also: [{ path: "/me/calendars/{calendar}" }, { path: "/users/{me}/calendar" }, { path: "/users/{me}/calendars/{calendar}" }],
  },
  // The page deletes the default calendar, which it says cannot be deleted: the service refuses.
  // The page's other paths name a calendar by id: one that is not the default is deleted.
  {
    id: "calendar-delete.md#delete_calendar",
    method: "DELETE",
    path: "/me/calendar",
    status: 204,
    instead: { status: 400, code: "ErrorDeleteDistinguishedFolder" },
    also: [
      { path: "/users/{me}/calendar", instead: { status: 400, code: "ErrorDeleteDistinguishedFolder" } },
      { path: "/me/calendars/{spare}", setup: spareCalendar },
      { path: "/users/{me}/calendars/{spare}", setup: spareCalendar },
    ],
  },
];

describe("calendars", () => exampleTests(() => runner, EXAMPLES));
describe("known differences", () => listedDifferencesTest(EXAMPLES));
