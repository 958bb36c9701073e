/** Plain-language titles and fixes for the AADSTS errors that Entra shows on its own page. */
const EXPLANATIONS: Record<number, { title: string; fix: string }> = {
  50011: {
    title: "Redirect URI mismatch",
    fix: "Add this exact redirect URI to the application's registration (POST /_emulator/tenants/{tenant}/applications or the fixtures), or send one that is already registered. Scheme, host, port, path and trailing slash must all match.",
  },
  500113: { title: "No redirect URI registered", fix: "Register at least one redirect URI for the application." },
  700016: {
    title: "Unknown application",
    fix: "Check the client_id and the tenant in the URL. A single-tenant app can only sign in on its own tenant; register it there or make it multi-tenant (signInAudience AzureADMultipleOrgs).",
  },
  90002: { title: "Unknown tenant", fix: "Use a tenant GUID or domain that exists in the emulator (GET /_emulator/tenants lists them), or common/organizations." },
  900023: { title: "Malformed tenant", fix: "The tenant segment of the URL must be a GUID, a domain name, common, organizations or consumers." },
  900144: { title: "Missing parameter", fix: "Send the named parameter with the authorization request." },
  50194: { title: "Single-tenant application on a shared endpoint", fix: "Use the tenant-specific authority (/{tenant-id}) or make the app multi-tenant." },
  90094: {
    title: "Admin approval needed",
    fix: "These permissions need an administrator's consent. Sign in as a Global Administrator and consent for the organization, or grant consent with the control plane.",
  },
  50057: { title: "Account disabled", fix: "Enable the user (accountEnabled) or sign in with another account." },
};

export function explain(aadsts: number): { title: string; fix: string } {
  return EXPLANATIONS[aadsts] ?? { title: "Sign-in failed", fix: "Check the request parameters against the error description." };
}
