import type { GraphDeps } from "./context.ts";
import { namesPermissions, type Operation } from "./operation.ts";
import { graphOperations } from "./operations.ts";
import { RESOURCE_RULES } from "./subscriptions/resources.ts";

interface Area {
  title: string;
  code: string;
  tests: string;
  /** Which rows the area lists. */
  holds(op: Operation): boolean;
  /** Prose shown under the area's heading, above its rows. */
  intro?: readonly string[];
  /** What the Delegated and Application columns say for rows any valid token may call (default: "any valid token"). */
  anyToken?: string;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const perms = (list: readonly string[]) => (list.length === 0 ? "—" : list.map((p) => `\`${p}\``).join(", "));

/** The areas of the table, in the order the listing shows them, with where their code and tests live. */
const AREAS: readonly Area[] = [
  { title: "Users", code: "emulator/src/graph/users/operations.ts", tests: "test/graph/users/", holds: (op) => namesPermissions(op.permissions) && op.permissions.refusal === "directory" },
  { title: "Calendar", code: "emulator/src/graph/calendar/operations.ts", tests: "test/graph/calendar/", holds: (op) => namesPermissions(op.permissions) && op.permissions.refusal === "outlook" },
  {
    title: "Change notifications",
    code: "emulator/src/graph/subscriptions/operations.ts",
    tests: "test/graph/subscriptions/",
    holds: (op) => op.path.startsWith("/subscriptions"),
    anyToken: "the resource's (above)",
    intro: [
      "Subscriptions to these resources (`me/…` and `users/{id}/…` alike); a subscription needs the permission to read its",
      "resource, checked against the body (POST) or the stored subscription (GET, PATCH, DELETE, reauthorize), least privileged first:",
      "",
      "| Resources | Delegated | Application | Longest lifetime |",
      "|---|---|---|---|",
      ...Object.values(RESOURCE_RULES).map(
        (r) => `| ${r.forms.map((f) => `\`${f}\``).join(", ")} | ${perms(r.permissions.delegated)} | ${perms(r.permissions.application)} | ${r.maxMinutes.toLocaleString("en-US")} minutes |`,
      ),
      "",
      "Deliveries, retries, lifecycle notifications and what differs from Graph: [change-notifications.md](change-notifications.md).",
    ],
  },
  {
    title: "Batching",
    code: "emulator/src/graph/batch/operations.ts",
    tests: "test/graph/batch/",
    holds: (op) => op.path === "/$batch",
    intro: [
      "`POST /v1.0/$batch` takes up to 20 requests as JSON (`{\"requests\": [{\"id\", \"method\", \"url\", \"headers\", \"body\", \"dependsOn\"}]}`,",
      "learn.microsoft.com/graph/json-batching) and answers 200 with `{\"responses\": [{\"id\", \"status\", \"headers\", \"body\"}]}`, one per request,",
      "in the order sent. Each request goes through Graph's own stages with the batch's token: throttling and fault rules,",
      "the row of this table and its permission rule, the handler; so one request can answer 403 or 429 (with `Retry-After`",
      "in its `headers`) inside a batch that answers 200, and the request journal lists each request on its own.",
      "- URLs are relative to the version: `/me`, `me` and `/v1.0/me` are the same request. A request with a `body` needs a",
      "  `Content-Type` header, and a POST, PATCH or PUT needs both. JSON bodies are answered as JSON, text as a string, anything",
      "  else base64-encoded.",
      "- `dependsOn` names requests earlier in the batch; the batch must be parallel (no request depends on another), serial",
      "  (each depends on the one before) or all depend on the first, as Graph requires. A request whose dependency answered",
      "  anything but 2xx is not run and answers 424 `FailedDependency`.",
      "- The batch itself answers 400 `BadRequest` when it cannot run: no `requests`, more than 20, an id used twice",
      "  (ids are compared without regard to case), a request without `id`, `method` or `url`, an absolute URL, a nested",
      "  `$batch`, a body without `Content-Type`, or a dependency that is unknown or breaks the patterns above.",
      "- The emulator runs the requests one after another, in the order sent (Graph may run independent ones in parallel).",
      "  The `$batch` envelope is not counted against throttling (its requests are, one by one), but fault rules match it.",
    ],
  },
];


function notes(op: Operation): string {
  const p = op.permissions;
  if (!namesPermissions(p)) return cell(`${op.summary} Any valid token: ${p.why}`);
  const out = [op.summary];
  if (p.selfOnly?.length) out.push(`Delegated ${p.selfOnly.map((s) => `\`${s}\``).join(", ")} only on the signed-in user.`);
  if (p.delegatedRoles?.length) out.push(`Delegated callers also need the role ${p.delegatedRoles.join(" or ")}${p.selfService ? " (not on themselves)" : ""}.`);
  if (p.differsFromMicrosoft) out.push(`Differs from Microsoft's map: ${p.differsFromMicrosoft}`);
  return cell(out.join(" "));
}

/** docs/graph-operations.md: the operation table as a page (kept in step by test/graph/operations-doc.test.ts). */
export function graphOperationsListing(): string {
  // Handlers are made but never run: the table needs no store to be listed.
  const ops = graphOperations({} as GraphDeps);
  const lines = [
    "# Graph operations",
    "",
    "Every Microsoft Graph v1.0 operation the emulator serves, generated from its operation table",
    "(`emulator/src/graph/operations.ts`) by `npm run docs:operations`; a test fails when this page and the table differ.",
    "",
    "How to read a row:",
    "- **Path** is written after `https://graph.microsoft.com/v1.0` (or the emulator's `/v1.0`). Segments match without regard to case;",
    "  `{user}` is a user's id or userPrincipalName (also as `/users('…')`); `delta()` also matches `delta`.",
    "  Paths under `/me` need a delegated token (app-only: 400 `BadRequest`).",
    "- **Delegated** and **Application** list the permissions that allow the call, least privileged first. A token with none of them",
    "  gets 403: `Authorization_RequestDenied` from the directory (users), `ErrorAccessDenied` from Outlook (calendar).",
    "- The permission rule runs before the handler, so a missing permission is a 403 even for a user or item that does not exist.",
    "- Errors each operation answers with are in Graph's error catalogue (`emulator/src/errors/graph-error.ts`) and listed,",
    "  with a contract case each, in [contracts/ERROR-PATHS.md](../contracts/ERROR-PATHS.md).",
    "",
  ];
  for (const area of AREAS) {
    const rows = ops.filter((op) => area.holds(op));
    lines.push(`## ${area.title}`, "", `Rows: \`${area.code}\` · tests: \`${area.tests}\` · ${rows.length} ${rows.length === 1 ? "operation" : "operations"}.`, "");
    if (area.intro) lines.push(...area.intro, "");
    lines.push("| Method | Path | Delegated | Application | Notes |", "|---|---|---|---|---|");
    for (const op of rows) {
      const p = op.permissions;
      const [delegated, application] = namesPermissions(p) ? [perms(p.delegated), perms(p.application)] : [area.anyToken ?? "any valid token", area.anyToken ?? "any valid token"];
      lines.push(`| ${op.method} | \`${op.path}\` | ${delegated} | ${application} | ${notes(op)} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
