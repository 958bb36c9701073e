import { describe, expect, it } from "vitest";
import { redactAuthorization, redactUrl } from "./redact.ts";

describe("redactAuthorization", () => {
  it("keeps the scheme only", () => {
    expect(redactAuthorization("Bearer eyJ0eXAiOiJKV1QifQ.eyJhIjoxfQ.c2ln")).toBe("Bearer [redacted]");
    expect(redactAuthorization("Basic dXNlcjpwYXNz")).toBe("Basic [redacted]");
    expect(redactAuthorization(undefined)).toBeUndefined();
  });

  it("splits on any white space, not only a space", () => {
    expect(redactAuthorization("Bearer\teyJ0eXAi.x.y")).toBe("Bearer [redacted]");
    expect(redactAuthorization("Bearer\u00a0eyJ0eXAi.x.y")).toBe("Bearer [redacted]");
    expect(redactAuthorization("Bearer\u00a0eyJ0eXAi.x.y more")).toBe("Bearer [redacted]");
  });

  it("keeps nothing of a value without a scheme", () => {
    const token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl";
    expect(redactAuthorization(token)).toBe("[redacted]");
    expect(redactAuthorization(`${token} trailing`)).toBe("[redacted]");
  });
});

describe("redactUrl", () => {
  it("hides the secrets of every grant, the device code and client assertions included", () => {
    const url = redactUrl("/t/oauth2/v2.0/token?grant_type=x&device_code=DC&client_assertion=A&assertion=B&code=C&user_code=U");
    for (const secret of ["DC", "=A&", "=B&", "=C&"]) expect(url).not.toContain(secret);
    expect(url).toContain("user_code=U");
  });
});
