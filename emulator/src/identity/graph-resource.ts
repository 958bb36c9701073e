/**
 * Microsoft Graph as a resource: its well-known app id, identifier URI, and
 * the permissions the emulator knows, with whether each needs admin consent.
 * Descriptions are the emulator's own short wording.
 */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const GRAPH_URI = "https://graph.microsoft.com";

export interface PermissionInfo {
  value: string;
  description: string;
  adminConsentRequired: boolean;
}

const d = (value: string, description: string, adminConsentRequired = false): PermissionInfo => ({
  value,
  description,
  adminConsentRequired,
});

/** Delegated permissions (oauth2PermissionScopes). */
export const GRAPH_DELEGATED: readonly PermissionInfo[] = [
  d("User.Read", "Sign you in and read your profile"),
  d("User.ReadWrite", "Read and update your profile"),
  d("User.ReadBasic.All", "Read the basic profiles of all users"),
  d("User.Read.All", "Read the full profiles of all users", true),
  d("User.ReadWrite.All", "Read and write the full profiles of all users", true),
  d("User.DeleteRestore.All", "Delete and restore users", true),
  d("Directory.Read.All", "Read directory data", true),
  d("Directory.ReadWrite.All", "Read and write directory data", true),
  d("Directory.AccessAsUser.All", "Access the directory as you", true),
  d("Group.Read.All", "Read all groups", true),
  d("GroupMember.Read.All", "Read group memberships", true),
  d("Calendars.Read", "Read your calendars"),
  d("Calendars.ReadBasic", "Read basic details of your calendars"),
  d("Calendars.ReadWrite", "Have full access to your calendars"),
  d("Calendars.Read.Shared", "Read calendars you can access, including shared ones"),
  d("Calendars.ReadWrite.Shared", "Read and write calendars you can access, including shared ones"),
  d("MailboxSettings.Read", "Read your mailbox settings"),
  d("MailboxSettings.ReadWrite", "Read and write your mailbox settings"),
  d("Mail.Read", "Read your mail"),
  d("Mail.Send", "Send mail as you"),
  d("People.Read", "Read people relevant to you"),
];

/** Application permissions (appRoles); all of them need admin consent. */
export const GRAPH_APPLICATION: readonly PermissionInfo[] = [
  "User.Read.All",
  "User.ReadBasic.All",
  "User.ReadWrite.All",
  "User.DeleteRestore.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "Group.Read.All",
  "GroupMember.Read.All",
  "Calendars.Read",
  "Calendars.ReadBasic.All",
  "Calendars.ReadWrite",
  "MailboxSettings.Read",
  "MailboxSettings.ReadWrite",
  "Mail.Read",
  "Mail.Send",
].map((v) => d(v, `Application permission ${v}`, true));

/** OpenID Connect scopes: never sent to a resource, never need consent here. */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;

export function isOidcScope(scope: string): boolean {
  return (OIDC_SCOPES as readonly string[]).includes(scope.toLowerCase());
}

export function findDelegated(value: string): PermissionInfo | undefined {
  const v = value.toLowerCase();
  return GRAPH_DELEGATED.find((p) => p.value.toLowerCase() === v);
}

export function findApplicationPermission(value: string): PermissionInfo | undefined {
  const v = value.toLowerCase();
  return GRAPH_APPLICATION.find((p) => p.value.toLowerCase() === v);
}

/** Directory roles whose holders may grant tenant-wide (admin) consent. */
export const ADMIN_CONSENT_ROLES = [
  "Global Administrator",
  "Privileged Role Administrator",
  "Cloud Application Administrator",
  "Application Administrator",
];

/** Directory role template ids, for the `wids` claim. */
export const ROLE_TEMPLATE_IDS: Record<string, string> = {
  "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
  "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
  "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "Global Reader": "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
  "Directory Readers": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
};
/** Every member carries this "User" role template in `wids`. */
export const MEMBER_ROLE_TEMPLATE_ID = "b79fbf4d-3ef9-4689-8143-76b194e85509";
