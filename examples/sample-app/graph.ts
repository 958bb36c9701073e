/** The two Graph calls the sample makes, with Graph's errors kept readable. */

export interface Profile {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
}

export interface UpcomingEvent {
  subject: string;
  start: string;
  end: string;
  isAllDay: boolean;
  location: string;
}

/** A Graph error answer: status, Graph's error code and message, and Retry-After when sent. */
export class GraphCallError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: string | null;
  constructor(status: number, code: string, message: string, retryAfter: string | null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

async function graphGet(graphUrl: string, path: string, token: string, headers: Record<string, string> = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${graphUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: "application/json", ...headers } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new GraphCallError(0, cause?.code ?? "NetworkError", `Microsoft Graph could not be reached: ${cause?.message ?? (err as Error).message}`, null);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error;
    throw new GraphCallError(res.status, error?.code ?? `HTTP${res.status}`, error?.message ?? (text.slice(0, 200) || res.statusText), res.headers.get("retry-after"));
  }
  return body;
}

export async function getProfile(graphUrl: string, token: string): Promise<Profile> {
  return (await graphGet(graphUrl, "/me?$select=id,displayName,userPrincipalName,mail,jobTitle,officeLocation", token)) as Profile;
}

/** The next events in the coming two weeks, earliest first, times in UTC. */
export async function getNextEvents(graphUrl: string, token: string, now = new Date(), count = 5): Promise<UpcomingEvent[]> {
  const end = new Date(now.getTime() + 14 * 86_400_000);
  const query = new URLSearchParams({
    startDateTime: now.toISOString(),
    endDateTime: end.toISOString(),
    $orderby: "start/dateTime",
    $top: String(count),
    $select: "subject,start,end,isAllDay,location",
  });
  const body = (await graphGet(graphUrl, `/me/calendarView?${query.toString()}`, token, { prefer: 'outlook.timezone="UTC"' })) as { value?: unknown[] };
  return (body.value ?? []).map((raw) => {
    const e = raw as { subject?: string; start?: { dateTime?: string }; end?: { dateTime?: string }; isAllDay?: boolean; location?: { displayName?: string } };
    return {
      subject: e.subject || "(no subject)",
      start: e.start?.dateTime ?? "",
      end: e.end?.dateTime ?? "",
      isAllDay: e.isAllDay === true,
      location: e.location?.displayName ?? "",
    };
  });
}
