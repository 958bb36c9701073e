import { randomUUID } from "node:crypto";
import { graphErrors } from "../../errors/graph-error.ts";
import type { Outgoing, OutgoingFacts } from "./outgoing.ts";

/** How long a receiver has to answer the validation request (includes/change-notifications-delivery-notificationurl-validation.md). */
export const VALIDATION_TIMEOUT_MS = 10_000;

/**
 * The validation handshake (change-notifications-delivery-webhooks.md): a POST
 * to `{url}?validationToken={token}` with an empty text/plain body; the
 * receiver must answer 200 with the token, decoded, as its body. Throws
 * Graph's 400 when it does not. The token reads as Graph's do ("Validation:
 * Testing client application reachability for subscription Request-Id: …"),
 * form-encoded in the query as Graph sends it. The answer's Content-Type is
 * not checked.
 */
export async function validateEndpoint(outgoing: Outgoing, url: string, facts: OutgoingFacts, timeoutMs = VALIDATION_TIMEOUT_MS): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  target.searchParams.append("validationToken", token);
  const outcome = await outgoing.post(target.href, "", "text/plain; charset=utf-8", timeoutMs, facts);
  if (!outcome.answered) throw outcome.reason === "timeout" ? graphErrors.subscriptionValidationTimedOut() : graphErrors.subscriptionValidationFailed();
  if (outcome.status !== 200) throw graphErrors.subscriptionValidationFailed();
  if (outcome.text !== token) throw graphErrors.subscriptionValidationMismatch();
}
