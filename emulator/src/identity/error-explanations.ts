/**
 * Plain-language titles, explanations and fixes for the AADSTS errors that the
 * authorize endpoint shows on its own page (the emulator's own wording).
 */
export interface Explanation {
  title: string;
  /** What went wrong, in plain words. */
  explanation: string;
  /** What the developer should change. */
  fix: string;
}

const EXPLANATIONS: Record<number, Explanation> = {
  50011: {
    title: "Redirect URI mismatch",
    explanation: "The app asked to be sent back to a redirect URI that is not registered for it, so the sign-in stops here instead of sending the result somewhere unexpected.",
    fix: "Add this exact redirect URI to the application's registration (POST /_emulator/tenants/{tenant}/applications or the fixtures), or send one that is already registered. Scheme, host, port, path and trailing slash must all match.",
  },
  500113: {
    title: "No redirect URI registered",
    explanation: "The application has no redirect URI at all, so there is nowhere to send the user after sign-in.",
    fix: "Register at least one redirect URI for the application.",
  },
  700016: {
    title: "Unknown application",
    explanation: "No application with this client_id exists in the tenant the request names.",
    fix: "Check the client_id and the tenant in the URL. A single-tenant app can only sign in on its own tenant; register it there or make it multi-tenant (signInAudience AzureADMultipleOrgs).",
  },
  90002: {
    title: "Unknown tenant",
    explanation: "The tenant in the URL is not one the emulator knows.",
    fix: "Use a tenant GUID or domain that exists in the emulator (GET /_emulator/tenants lists them), or common/organizations.",
  },
  900023: {
    title: "Malformed tenant",
    explanation: "The tenant part of the URL is neither a GUID nor a domain name.",
    fix: "The tenant segment of the URL must be a GUID, a domain name, common, organizations or consumers.",
  },
  900144: {
    title: "Missing parameter",
    explanation: "The authorization request lacks a parameter it needs.",
    fix: "Send the named parameter with the authorization request.",
  },
  90014: {
    title: "Missing field",
    explanation: "The request lacks a field it needs.",
    fix: "Send the named field with the request.",
  },
  90023: {
    title: "Invalid parameter value",
    explanation: "A parameter of the authorization request has a value the endpoint does not accept.",
    fix: "Correct the named parameter; the description says which values are allowed.",
  },
  50194: {
    title: "Single-tenant application on a shared endpoint",
    explanation: "The app is registered for its own tenant only, but the request went to /common or /organizations, which serve multi-tenant apps.",
    fix: "Use the tenant-specific authority (/{tenant-id}) or make the app multi-tenant.",
  },
  50059: {
    title: "Tenant needed",
    explanation: "The request gives no way to tell which tenant should sign the user in.",
    fix: "Use a tenant-specific authority (/{tenant-id} or /{domain}) instead of /common.",
  },
  90094: {
    title: "Admin approval needed",
    explanation: "The app asks for permissions that only an administrator may grant, and the signed-in user is not one.",
    fix: "These permissions need an administrator's consent. Sign in as a Global Administrator and consent for the organization, or grant consent with the control plane (POST /_emulator/tenants/{tenant}/consents).",
  },
  50057: {
    title: "Account disabled",
    explanation: "The user's account is disabled, so it cannot sign in.",
    fix: "Enable the user (accountEnabled) or sign in with another account.",
  },
  700054: {
    title: "Unsupported response type",
    explanation: "The response_type of the request is one the app may not use.",
    fix: "Use response_type=code (the authorization code flow).",
  },
};

export function explain(aadsts: number): Explanation {
  return (
    EXPLANATIONS[aadsts] ?? {
      title: "Sign-in failed",
      explanation: "The identity provider could not complete the sign-in request.",
      fix: "Check the request parameters against the error description.",
    }
  );
}
