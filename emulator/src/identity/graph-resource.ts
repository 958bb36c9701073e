/**
 * Microsoft Graph as a resource: its well-known app id, identifier URI, and
 * the permissions the emulator knows, with whether each needs admin consent.
 * Descriptions are the emulator's own short wording.
 */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const GRAPH_URI = "https://graph.microsoft.com";

export interface PermissionInfo {
  value: string;
  /** A short line, as a consent page lists it. */
  description: string;
  adminConsentRequired: boolean;
  /** A sentence for people deciding whether to grant it (the emulator's own wording). */
  detail: string;
}

const d = (value: string, description: string, adminConsentRequired: boolean, detail: string): PermissionInfo => ({
  value,
  description,
  adminConsentRequired,
  detail,
});

/** Delegated permissions (oauth2PermissionScopes). */
export const GRAPH_DELEGATED: readonly PermissionInfo[] = [
  d("User.Read", "Sign you in and read your profile", false, "The app can sign you in and read the basic facts of your profile, such as your name, email address and job title."),
  d("User.ReadWrite", "Read and update your profile", false, "The app can read your profile and change the parts of it that you may edit yourself."),
  d("User.ReadBasic.All", "Read the basic profiles of all users", false, "The app can read the names and email addresses of the other people in your organization."),
  d("User.Read.All", "Read the full profiles of all users", true, "The app can read every property of every user in your organization, acting as you."),
  d("User.ReadWrite.All", "Read and write the full profiles of all users", true, "The app can read and change the profile of every user in your organization, acting as you."),
  d("User.DeleteRestore.All", "Delete and restore users", true, "The app can delete users of your organization and bring deleted ones back, acting as you."),
  d("Directory.Read.All", "Read directory data", true, "The app can read your organization's directory: users, groups, applications and how they relate."),
  d("Directory.ReadWrite.All", "Read and write directory data", true, "The app can read and change your organization's directory: users, groups and how they relate."),
  d("Directory.AccessAsUser.All", "Access the directory as you", true, "The app can do in the directory whatever you yourself are allowed to do there."),
  d("Group.Read.All", "Read all groups", true, "The app can read every group of your organization, with its members and settings."),
  d("GroupMember.Read.All", "Read group memberships", true, "The app can read who belongs to each group of your organization."),
  d("Calendars.Read", "Read your calendars", false, "The app can read the events in your calendars."),
  d("Calendars.ReadBasic", "Read basic details of your calendars", false, "The app can read your events without their bodies, attachments or extensions."),
  d("Calendars.ReadWrite", "Have full access to your calendars", false, "The app can read, create, change and delete the events in your calendars."),
  d("Calendars.Read.Shared", "Read calendars you can access, including shared ones", false, "The app can read events in your calendars and in calendars other people share with you."),
  d("Calendars.ReadWrite.Shared", "Read and write calendars you can access, including shared ones", false, "The app can read, create, change and delete events in your calendars and in calendars shared with you."),
  d("MailboxSettings.Read", "Read your mailbox settings", false, "The app can read your mailbox settings, such as your time zone, language and working hours."),
  d("MailboxSettings.ReadWrite", "Read and write your mailbox settings", false, "The app can read and change your mailbox settings, such as your time zone, language and working hours."),
  d("Mail.Read", "Read your mail", false, "The app can read the messages in your mailbox."),
  d("Mail.Send", "Send mail as you", false, "The app can send messages in your name."),
  d("People.Read", "Read people relevant to you", false, "The app can read the list of people you work with most."),
  d("Subscription.Read.All", "Read all webhook subscriptions", false, "The app can list the change-notification subscriptions any app made for you (an administrator's: everyone's)."),
];

const APPLICATION_DESCRIPTIONS: Record<string, string> = {
  "User.Read.All": "Read every user's full profile",
  "User.ReadBasic.All": "Read every user's basic profile",
  "User.ReadWrite.All": "Read and write every user's full profile",
  "User.DeleteRestore.All": "Delete and restore users",
  "Directory.Read.All": "Read directory data",
  "Directory.ReadWrite.All": "Read and write directory data",
  "Group.Read.All": "Read all groups",
  "GroupMember.Read.All": "Read all group memberships",
  "Calendars.Read": "Read the calendars of every mailbox",
  "Calendars.ReadBasic.All": "Read basic details of every mailbox's calendars",
  "Calendars.ReadWrite": "Read and write the calendars of every mailbox",
  "MailboxSettings.Read": "Read every user's mailbox settings",
  "MailboxSettings.ReadWrite": "Read and write every user's mailbox settings",
  "Mail.Read": "Read mail in every mailbox",
  "Mail.Send": "Send mail as any user",
};

/** Application permissions (appRoles); all of them need admin consent. */
export const GRAPH_APPLICATION: readonly PermissionInfo[] = Object.entries(APPLICATION_DESCRIPTIONS).map(([v, description]) =>
  d(v, description, true, `${description}, as the app itself, with no signed-in user.`),
);

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
