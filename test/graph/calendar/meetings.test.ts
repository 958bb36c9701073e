import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@microsoft/microsoft-graph-client";
import { CONTOSO, startTestEmulator, type TestEmulator } from "../../support/emulator.ts";
import { graphClient, userToken } from "../../support/graph.ts";
import { expectError, graphHttp, MESSAGES, USERS } from "./support.ts";

/**
 * Meetings across mailboxes: attendee copies, accept / tentativelyAccept /
 * decline (202), the organizer's attendee list, updates, cancellation
 * (organizer only) and deletion by the organizer.
 */
let emu: TestEmulator;
const sdk: Record<"adele" | "isaiah" | "diego" | "patti", Client> = {} as never;
const http: Record<"adele" | "isaiah" | "diego" | "patti", ReturnType<typeof graphHttp>> = {} as never;

beforeAll(async () => {
  emu = await startTestEmulator();
  for (const who of ["adele", "isaiah", "diego", "patti"] as const) {
    const token = await userToken(emu, CONTOSO.id, USERS[who], ["Calendars.ReadWrite"]);
    sdk[who] = graphClient(emu, token);
    http[who] = graphHttp(emu, token);
  }
});
afterAll(async () => emu?.close());

const attendee = (u: { upn: string }, type = "required") => ({ emailAddress: { address: u.upn }, type });

interface Ev {
  id: string;
  subject: string;
  iCalUId: string;
  isOrganizer: boolean;
  isCancelled: boolean;
  showAs: string;
  type: string;
  responseStatus: { response: string; time: string };
  attendees: { emailAddress: { address: string }; status: { response: string; time: string }; proposedNewTime?: unknown }[];
  organizer: { emailAddress: { address: string; name: string } };
  start: { dateTime: string };
}

async function copyOf(who: keyof typeof sdk, iCalUId: string): Promise<Ev | undefined> {
  const res = await sdk[who].api("/me/events").filter(`iCalUId eq '${iCalUId}'`).get();
  return res.value[0];
}

const statusOf = (e: Ev, u: { upn: string }) => e.attendees.find((a) => a.emailAddress.address.toLowerCase() === u.upn.toLowerCase())?.status.response;

describe("invitations and responses", () => {
  let meeting: Ev;

  beforeAll(async () => {
    meeting = await sdk.adele.api("/me/events").post({
      subject: "Planning",
      body: { contentType: "text", content: "Agenda to follow." },
      start: { dateTime: "2029-05-07T15:00:00", timeZone: "UTC" },
      end: { dateTime: "2029-05-07T16:00:00", timeZone: "UTC" },
      attendees: [attendee(USERS.isaiah), attendee(USERS.diego, "optional"), { emailAddress: { address: "partner@fabrikam.example", name: "Partner" }, type: "required" }],
    });
  });

  it("each attendee of the tenant gets a copy with the same iCalUId, waiting for an answer", async () => {
    const copy = await copyOf("isaiah", meeting.iCalUId);
    expect(copy).toBeDefined();
    expect(copy!.id).not.toBe(meeting.id);
    expect(copy).toMatchObject({
      subject: "Planning",
      isOrganizer: false,
      showAs: "tentative",
      responseStatus: { response: "notResponded", time: "0001-01-01T00:00:00Z" },
      organizer: { emailAddress: { name: "Adele Vance", address: USERS.adele.upn } },
    });
    expect(await copyOf("diego", meeting.iCalUId)).toBeDefined();
    expect(statusOf(meeting, USERS.isaiah)).toBe("none");
  });

  it("accept answers 202 with no body and updates both sides", async () => {
    const copy = (await copyOf("isaiah", meeting.iCalUId))!;
    const res = await http.isaiah("POST", `/me/events/${copy.id}/accept`, { comment: "See you there", sendResponse: true });
    expect(res.status).toBe(202);
    expect(res.body).toBeUndefined();
    const mine = (await copyOf("isaiah", meeting.iCalUId))!;
    expect(mine.responseStatus.response).toBe("accepted");
    expect(mine.responseStatus.time).not.toBe("0001-01-01T00:00:00Z");
    expect(mine.showAs).toBe("busy");
    const organizer = await sdk.adele.api(`/me/events/${meeting.id}`).get();
    expect(statusOf(organizer, USERS.isaiah)).toBe("accepted");
  });

  it("tentativelyAccept with proposedNewTime records the proposal for the organizer (through the SDK)", async () => {
    const copy = (await copyOf("diego", meeting.iCalUId))!;
    await sdk.diego.api(`/me/events/${copy.id}/tentativelyAccept`).post({
      comment: "Could we move it?",
      sendResponse: true,
      proposedNewTime: { start: { dateTime: "2029-05-08T09:00:00", timeZone: "Pacific Standard Time" }, end: { dateTime: "2029-05-08T10:00:00", timeZone: "Pacific Standard Time" } },
    });
    expect((await copyOf("diego", meeting.iCalUId))!.responseStatus.response).toBe("tentativelyAccepted");
    const organizer = await sdk.adele.api(`/me/events/${meeting.id}`).get();
    const diego = organizer.attendees.find((a: Ev["attendees"][number]) => a.emailAddress.address === USERS.diego.upn);
    expect(diego.status.response).toBe("tentativelyAccepted");
    expect(diego.proposedNewTime).toEqual({
      start: { dateTime: "2029-05-08T09:00:00.0000000", timeZone: "Pacific Standard Time" },
      end: { dateTime: "2029-05-08T10:00:00.0000000", timeZone: "Pacific Standard Time" },
    });
  });

  it("decline without sending a response removes the attendee's copy but leaves the organizer's list alone", async () => {
    const copy = (await copyOf("diego", meeting.iCalUId))!;
    expect((await http.diego("POST", `/me/events/${copy.id}/decline`, { sendResponse: false })).status).toBe(202);
    expect(await copyOf("diego", meeting.iCalUId)).toBeUndefined();
    const organizer = await sdk.adele.api(`/me/events/${meeting.id}`).get();
    expect(statusOf(organizer, USERS.diego)).toBe("tentativelyAccepted");
  });

  it("an attendee cannot cancel; the organizer cannot answer their own meeting", async () => {
    const copy = (await copyOf("isaiah", meeting.iCalUId))!;
    expectError(await http.isaiah("POST", `/me/events/${copy.id}/cancel`, { comment: "no" }), 400, "ErrorInvalidRequest", "Your request can't be completed. You need to be an organizer to cancel a meeting.");
    expectError(await http.adele("POST", `/me/events/${meeting.id}/accept`, {}), 400, "ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized.");
  });

  it("the organizer's changes reach the copies; a new time asks for new answers", async () => {
    await sdk.adele.api(`/me/events/${meeting.id}`).patch({ subject: "Planning (room 2)" });
    const renamed = (await copyOf("isaiah", meeting.iCalUId))!;
    expect(renamed.subject).toBe("Planning (room 2)");
    expect(renamed.responseStatus.response).toBe("accepted");
    await sdk.adele.api(`/me/events/${meeting.id}`).patch({ start: { dateTime: "2029-05-07T16:00:00", timeZone: "UTC" }, end: { dateTime: "2029-05-07T17:00:00", timeZone: "UTC" } });
    const moved = (await copyOf("isaiah", meeting.iCalUId))!;
    expect(moved.start.dateTime).toBe("2029-05-07T16:00:00.0000000");
    expect(moved.responseStatus.response).toBe("notResponded");
    expect(statusOf(await sdk.adele.api(`/me/events/${meeting.id}`).get(), USERS.isaiah)).toBe("none");
  });

  it("adding and removing attendees adds copies and cancels removed ones", async () => {
    await sdk.adele.api(`/me/events/${meeting.id}`).patch({ attendees: [attendee(USERS.patti)] });
    expect((await copyOf("patti", meeting.iCalUId))!.subject).toBe("Planning (room 2)");
    const removed = (await copyOf("isaiah", meeting.iCalUId))!;
    expect(removed.isCancelled).toBe(true);
    expect(removed.subject).toBe("Canceled: Planning (room 2)");
  });

  it("cancel (organizer) answers 202, deletes the organizer's event and cancels every copy", async () => {
    const res = await http.adele("POST", `/me/events/${meeting.id}/cancel`, { comment: "Cancelling for this week due to all hands" });
    expect(res.status).toBe(202);
    expect(res.body).toBeUndefined();
    expectError(await http.adele("GET", `/me/events/${meeting.id}`), 404, "ErrorItemNotFound", MESSAGES.notFound);
    const patti = (await copyOf("patti", meeting.iCalUId))!;
    expect(patti).toMatchObject({ isCancelled: true, subject: "Canceled: Planning (room 2)" });
  });
});

describe("deleting and recurring meetings", () => {
  it("the organizer deleting a meeting cancels the attendees' copies", async () => {
    const m = await sdk.adele.api("/me/events").post({
      subject: "Coffee",
      start: { dateTime: "2029-05-09T08:00:00", timeZone: "UTC" },
      end: { dateTime: "2029-05-09T08:30:00", timeZone: "UTC" },
      attendees: [attendee(USERS.isaiah)],
    });
    await sdk.adele.api(`/me/events/${m.id}`).delete();
    expect(await copyOf("isaiah", m.iCalUId)).toMatchObject({ isCancelled: true, subject: "Canceled: Coffee" });
  });

  it("changes and deletions of one occurrence reach the attendees; answers can be per occurrence", async () => {
    const m = await sdk.adele.api("/me/events").post({
      subject: "Weekly 1:1",
      start: { dateTime: "2029-06-04T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2029-06-04T10:30:00", timeZone: "UTC" },
      attendees: [attendee(USERS.patti)],
      recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] }, range: { type: "numbered", startDate: "2029-06-04", numberOfOccurrences: 4 } },
    });
    const win = "startDateTime=2029-06-01T00:00:00Z&endDateTime=2029-07-01T00:00:00Z";
    const mine = (await sdk.adele.api(`/me/events/${m.id}/instances?${win}`).get()).value as Ev[];
    await sdk.adele.api(`/me/events/${mine[1]!.id}`).patch({ subject: "Weekly 1:1 (short)", end: { dateTime: "2029-06-11T10:15:00", timeZone: "UTC" } });
    await sdk.adele.api(`/me/events/${mine[2]!.id}`).delete();
    const view = async () => ((await sdk.patti.api(`/me/calendarView?${win}`).get()).value as Ev[]).filter((e) => e.subject.includes("Weekly 1:1"));
    const theirs = await view();
    expect(theirs.map((e) => [e.subject, e.type, e.isCancelled])).toEqual([
      ["Weekly 1:1", "occurrence", false],
      ["Weekly 1:1 (short)", "exception", false],
      ["Canceled: Weekly 1:1", "exception", true],
      ["Weekly 1:1", "occurrence", false],
    ]);
    expect((await http.patti("POST", `/me/events/${theirs[3]!.id}/accept`, {})).status).toBe(202);
    const after = await view();
    expect(after[3]).toMatchObject({ type: "exception", responseStatus: { response: "accepted" } });
    expect(after[0]!.responseStatus.response).toBe("notResponded");
    // Declining one occurrence removes it from the attendee's calendar, and a later rename of the series keeps it removed.
    expect((await http.patti("POST", `/me/events/${after[0]!.id}/decline`, {})).status).toBe(202);
    await sdk.adele.api(`/me/events/${m.id}`).patch({ subject: "Weekly 1:1 renamed" });
    const renamed = await view();
    expect(renamed.map((e) => e.start.dateTime.slice(0, 10))).toEqual(["2029-06-11", "2029-06-18", "2029-06-25"]);
    expect(renamed[2]!.subject).toBe("Weekly 1:1 renamed");
  });
});

describe("errors", () => {
  it("proposedNewTime is refused when the organizer disallows proposals or the response is not sent", async () => {
    const m = await sdk.adele.api("/me/events").post({
      subject: "Fixed time",
      allowNewTimeProposals: false,
      start: { dateTime: "2029-05-10T08:00:00", timeZone: "UTC" },
      end: { dateTime: "2029-05-10T09:00:00", timeZone: "UTC" },
      attendees: [attendee(USERS.isaiah)],
    });
    const copy = (await copyOf("isaiah", m.iCalUId))!;
    const proposal = { start: { dateTime: "2029-05-11T08:00:00", timeZone: "UTC" }, end: { dateTime: "2029-05-11T09:00:00", timeZone: "UTC" } };
    expectError(await http.isaiah("POST", `/me/events/${copy.id}/tentativelyAccept`, { proposedNewTime: proposal }), 400, "ErrorInvalidRequest", "Your request can't be completed. The organizer doesn't allow new time proposals for this meeting.");
    expectError(await http.isaiah("POST", `/me/events/${copy.id}/decline`, { proposedNewTime: proposal, sendResponse: false }), 400, "ErrorInvalidRequest", "Your request can't be completed. A new time can only be proposed when the response is sent to the organizer.");
    expectError(await http.isaiah("POST", `/me/events/${copy.id}/accept`, { proposedNewTime: proposal }), 400, "RequestBodyRead", "The parameter 'proposedNewTime' in the request payload is not a valid parameter for the operation 'accept'.");
    expectError(await http.isaiah("POST", `/me/events/${copy.id}/accept`, { sendResponse: "yes" }), 400, "RequestBodyRead", "Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'.");
    expectError(await http.isaiah("POST", `/me/events/not-an-id/accept`, {}), 400, "ErrorInvalidIdMalformed", MESSAGES.malformed);
  });

  it("responding needs Calendars.ReadWrite", async () => {
    const m = await sdk.adele.api("/me/events").post({
      subject: "Read-only test",
      start: { dateTime: "2029-05-12T08:00:00", timeZone: "UTC" },
      end: { dateTime: "2029-05-12T09:00:00", timeZone: "UTC" },
      attendees: [attendee(USERS.isaiah)],
    });
    const copy = (await copyOf("isaiah", m.iCalUId))!;
    const readOnly = graphHttp(emu, await userToken(emu, CONTOSO.id, USERS.isaiah, ["Calendars.Read"]));
    expectError(await readOnly("POST", `/me/events/${copy.id}/accept`, {}), 403, "ErrorAccessDenied", MESSAGES.accessDenied);
  });
});
