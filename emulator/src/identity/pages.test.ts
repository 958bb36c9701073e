import { describe, it, expect } from "vitest";
import { escapeHtml, FAVICON, initials } from "./page-layout.ts";
import {
  renderSignInPage,
  renderConsentPage,
  renderErrorPage,
  renderInfoPage,
  type SignInPageInput,
  type ConsentPageInput,
  type ErrorPageInput,
} from "./pages.ts";

const EVIL = `<script>alert("x")</script>&'`;
const EVIL_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;";

function expectDocument(html: string): void {
  expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
  for (const text of ['<html lang="en">', '<meta name="viewport" content="width=device-width, initial-scale=1">', "<style>", "Graph Emulator · local test identity provider"]) expect(html).toContain(text);
  expect(html.toLowerCase()).not.toContain("<script");
  expect(html).not.toMatch(/<img\b|\bsrc=/i);
  // The only link is the inline icon: the page loads nothing else.
  expect(html.match(/<link\b[^>]*>/gi)).toEqual([`<link rel="icon" href="${FAVICON}">`]);
  expect(FAVICON.startsWith("data:image/svg+xml,")).toBe(true);
  expect(html).toMatch(/<h1[ >]/);
}

/** Every non-hidden, non-button input must have a <label for=id>. */
function expectLabelledInputs(html: string): void {
  const inputs = html.match(/<input\b[^>]*>/g) ?? [];
  for (const tag of inputs) {
    if (/type="hidden"/.test(tag)) continue;
    const id = /\bid="([^"]+)"/.exec(tag)?.[1];
    expect(id, tag).toBeDefined();
    expect(html).toContain(`<label for="${id}">`);
  }
}

function countOccurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe("escapeHtml", () => {
  it("escapes markup, quotes and ampersands", () => {
    expect(escapeHtml("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(escapeHtml(`"double" 'single'`)).toBe("&quot;double&quot; &#39;single&#39;");
    expect(escapeHtml("a & b &amp;")).toBe("a &amp; b &amp;amp;");
    expect(escapeHtml("plain text")).toBe("plain text");
  });
});

describe("renderSignInPage", () => {
  const input: SignInPageInput = {
    action: "/contoso/oauth2/v2.0/authorize?x=1&y=2",
    hidden: { request: "req-123", state: EVIL },
    tenantName: "Contoso",
    appName: "My App",
    users: [
      { displayName: "Adele Vance", userPrincipalName: "adele@contoso.test" },
      { displayName: EVIL, userPrincipalName: "evil@contoso.test", directoryRoles: ["Global Administrator", EVIL] },
    ],
    loginHint: 'hint"><b>',
    errorMessage: "AADSTS50126: Error validating credentials due to invalid username or password.",
  };
  const html = renderSignInPage(input);

  it("is a complete, accessible, script-free document", () => {
    expectDocument(html);
    expectLabelledInputs(html);
  });

  it("has username and password fields and a Sign in button", () => {
    expect(html).toMatch(/<input type="text"[^>]*name="username"[^>]*autocomplete="username"/);
    expect(html).toMatch(/<input type="password"[^>]*name="password"/);
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(html).toContain('method="post" action="/contoso/oauth2/v2.0/authorize?x=1&amp;y=2"');
  });

  it("prefills the login hint, escaped", () => {
    expect(html).toContain('value="hint&quot;&gt;&lt;b&gt;"');
  });

  it("shows the error in a role=alert box before the form", () => {
    const alertAt = html.indexOf('role="alert"');
    expect(alertAt).toBeGreaterThan(-1);
    expect(html).toContain("AADSTS50126: Error validating credentials");
    expect(alertAt).toBeLessThan(html.indexOf('name="password"'));
    expect(renderSignInPage({ ...input, errorMessage: undefined })).not.toContain('role="alert"');
  });

  it("carries hidden fields on every form", () => {
    const forms = countOccurrences(html, "<form ");
    expect(forms).toBe(3);
    expect(countOccurrences(html, '<input type="hidden" name="request" value="req-123">')).toBe(forms);
    expect(countOccurrences(html, `<input type="hidden" name="state" value="${EVIL_ESCAPED}">`)).toBe(forms);
  });

  it("renders one pick form per user with username and pick=1", () => {
    expect(html).toContain("Pick an account");
    expect(html).toContain('<input type="hidden" name="username" value="adele@contoso.test">');
    expect(html).toContain('<input type="hidden" name="username" value="evil@contoso.test">');
    expect(countOccurrences(html, '<input type="hidden" name="pick" value="1">')).toBe(2);
    expect(html).toContain('<strong>Adele Vance</strong><span class="upn">adele@contoso.test</span>');
    expect(html).toContain(`<strong>${EVIL_ESCAPED}</strong>`);
  });

  it("shows each account's initials and directory roles, escaped", () => {
    expect(html).toContain('<span class="avatar" aria-hidden="true">AV</span>');
    expect(html).toContain(`<span class="role">Global Administrator, ${EVIL_ESCAPED}</span>`);
    expect(countOccurrences(html, 'class="role"')).toBe(1);
  });

  it("is clearly the emulator, and links its dashboard", () => {
    expect(html).toContain("Not Microsoft. Test accounts only.");
    expect(html).toContain('<a href="/_emulator/ui/">Emulator dashboard</a>');
    expect(html).not.toMatch(/microsoftonline|Microsoft Corporation/i);
  });

  it("omits the picker when there are no users", () => {
    const empty = renderSignInPage({ ...input, users: [] });
    expect(empty).not.toContain("Pick an account");
    expect(countOccurrences(empty, "<form ")).toBe(1);
  });

  it("escapes tenant and app names", () => {
    const h = renderSignInPage({ ...input, tenantName: EVIL, appName: EVIL });
    expect(h).not.toContain("<script>");
    expect(countOccurrences(h, EVIL_ESCAPED)).toBeGreaterThanOrEqual(2);
  });
});

describe("renderConsentPage", () => {
  const input: ConsentPageInput = {
    action: "/common/oauth2/v2.0/authorize",
    hidden: { request: "req-9" },
    appName: EVIL,
    appId: "11111111-2222-3333-4444-555555555555",
    userName: "adele@contoso.test",
    userDisplayName: "Adele Vance",
    tenantName: "Contoso",
    permissions: [
      { value: "User.Read", description: "Sign you in and read your profile", adminConsentRequired: false, detail: "The app can sign you in." },
      { value: "Directory.Read.All", description: EVIL, adminConsentRequired: true },
    ],
    canConsentForOrganization: true,
  };
  const html = renderConsentPage(input);

  it("is a complete, accessible, script-free document", () => {
    expectDocument(html);
    expectLabelledInputs(html);
    expect(html).not.toContain("<script>");
  });

  it("names the app, app id, user and permissions", () => {
    for (const text of ["Permissions requested", EVIL_ESCAPED, input.appId, "adele@contoso.test", "<code>User.Read</code>", "Sign you in and read your profile"]) expect(html).toContain(text);
    expect(html).toMatch(/<code>Directory\.Read\.All<\/code> <span class="tag">Admin consent required<\/span>/);
    expect(countOccurrences(html, "Admin consent required")).toBe(1);
  });

  it("lists each permission as <li><code>scope</code> with its description and detail", () => {
    expect([...html.matchAll(/<li><code>([^<]+)<\/code>/g)].map((m) => m[1])).toEqual(["User.Read", "Directory.Read.All"]);
    expect(html).toContain('<span class="what">Sign you in and read your profile</span><span class="detail">The app can sign you in.</span>');
    expect(html).toContain("Signed in as <strong>Adele Vance</strong> (adele@contoso.test)");
    expect(html).toContain("every user in Contoso");
  });

  it("has accept and decline buttons in one form with hidden fields", () => {
    expect(countOccurrences(html, "<form ")).toBe(1);
    expect(html).toMatch(/<button [^>]*name="consent" value="accept"[^>]*>Accept<\/button>/);
    expect(html).toMatch(/<button [^>]*name="consent" value="decline"[^>]*>Cancel<\/button>/);
    expect(html).toContain('<input type="hidden" name="request" value="req-9">');
  });

  it("shows the org consent checkbox only for admins", () => {
    expect(html).toMatch(/<input type="checkbox"[^>]*name="consent_for_org" value="1">/);
    expect(html).toContain("Consent on behalf of your organization");
    const nonAdmin = renderConsentPage({ ...input, canConsentForOrganization: false });
    expect(nonAdmin).not.toContain("consent_for_org");
    expect(nonAdmin).not.toContain("Consent on behalf of your organization");
  });
});

describe("renderErrorPage", () => {
  const input: ErrorPageInput = {
    aadsts: 50011,
    title: "Redirect URI mismatch",
    explanation: "The app asked to be sent back to an unregistered address.",
    description: `The redirect URI '${EVIL}' specified in the request does not match.`,
    fix: "Add the redirect URI to the app registration & retry.",
    traceId: "trace-abc",
    correlationId: "corr-def",
    timestamp: "2024-01-01 00:00:00Z",
  };
  const html = renderErrorPage(input);

  it("is a complete, script-free document", () => {
    expectDocument(html);
  });

  it("shows the code, title, description, fix and technical details", () => {
    for (const text of ["AADSTS50011", "Redirect URI mismatch", `The redirect URI &#39;${EVIL_ESCAPED}&#39; specified`, "How to fix", "Add the redirect URI to the app registration &amp; retry.", "trace-abc", "corr-def", "2024-01-01 00:00:00Z", "The app asked to be sent back to an unregistered address."]) expect(html).toContain(text);
    expect(html.indexOf("How to fix")).toBeLessThan(html.indexOf("What Entra says"));
  });

  it("leaves the explanation out when there is none", () => {
    const { explanation: _explanation, ...rest } = input;
    expect(renderErrorPage(rest)).not.toContain("unregistered address");
  });
});

describe("initials", () => {
  it("takes the first letters of the first and last words", () => {
    expect(initials("Adele Vance")).toBe("AV");
    expect(initials("Megan  de la Bowen")).toBe("MB");
    expect(initials("Contoso")).toBe("C");
    expect(initials("élodie marchand")).toBe("ÉM");
    expect(initials("")).toBe("?");
  });
});

describe("renderInfoPage", () => {
  it("renders an escaped notice", () => {
    const html = renderInfoPage("You have signed out", EVIL);
    expectDocument(html);
    expect(html).toContain("You have signed out");
    expect(html).toContain(EVIL_ESCAPED);
  });
});
