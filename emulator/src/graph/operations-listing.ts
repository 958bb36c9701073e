import type { GraphDeps } from "./context.ts";
import type { Operation } from "./operation.ts";
import { graphOperations } from "./operations.ts";

/** The areas of the table, in the order the listing shows them, with where their code and tests live. */
const AREAS = [
  { title: "Users", refusal: "directory", code: "emulator/src/graph/users/operations.ts", tests: "test/graph/users/" },
  { title: "Calendar", refusal: "outlook", code: "emulator/src/graph/calendar/operations.ts", tests: "test/graph/calendar/" },
] as const;

const cell = (text: string) => text.replace(/\|/g, "\\|");
const perms = (list: readonly string[]) => (list.length === 0 ? "—" : list.map((p) => `\`${p}\``).join(", "));

function notes(op: Operation): string {
  const p = op.permissions;
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
    const rows = ops.filter((op) => op.permissions.refusal === area.refusal);
    lines.push(`## ${area.title}`, "", `Rows: \`${area.code}\` · tests: \`${area.tests}\` · ${rows.length} operations.`, "");
    lines.push("| Method | Path | Delegated | Application | Notes |", "|---|---|---|---|---|");
    for (const op of rows) lines.push(`| ${op.method} | \`${op.path}\` | ${perms(op.permissions.delegated)} | ${perms(op.permissions.application)} | ${notes(op)} |`);
    lines.push("");
  }
  return lines.join("\n");
}
