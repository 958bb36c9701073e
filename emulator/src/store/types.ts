import type { Calendar, CalendarEvent, CalendarSyncState } from "./calendar-types.ts";
import type { GraphSubscription } from "./subscription-types.ts";

export type { Calendar, CalendarEvent, CalendarSyncState } from "./calendar-types.ts";
export type { GraphSubscription, SubscriptionTarget } from "./subscription-types.ts";

/**
 * The shape of everything the emulator remembers. All state lives under a
 * tenant; the only top-level field besides `tenants` is the schema version.
 */

export interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  mobilePhone: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  businessPhones: string[];
  accountEnabled: boolean;
  /** Stored in clear: this is a test fixture, never a real secret. */
  password: string;
  /** Directory role template names, e.g. "Global Administrator". */
  directoryRoles: string[];
  /** Refresh tokens issued before this instant are refused (revokeSignInSessions). */
  tokensValidFrom: string;
  /** Object id of the user's manager (Graph's `manager` navigation); null or absent when none. */
  managerId?: string | null;
  /** Graph's mailNickname (the mail alias). */
  mailNickname?: string | null;
  /** ISO 8601 instant the user was created; null for fixture users that do not say. */
  createdDateTime?: string | null;
  /**
   * Every other Graph user property (city, department, otherMails, identities,
   * ...) is stored under its Graph name; graph/users/properties.ts lists them.
   */
  [extra: string]: unknown;
}

/** One entry of a tenant's user change log, which `/users/delta` reads. */
export interface UserChange {
  /** Position in the log, from 1; a delta token remembers the last one it saw. */
  seq: number;
  userId: string;
  kind: "created" | "updated" | "deleted";
  /** For "updated": the Graph properties that changed (for `Prefer: return=minimal`). */
  properties?: string[];
}

export interface ClientSecret {
  keyId: string;
  /** The secret text. Fixture apps keep it here so tests can use it. */
  secretText: string;
  endDateTime: string;
}

/** Permission requested by an application, e.g. { resource: "graph", value: "User.Read" }. */
export interface Application {
  /** Object id of the application object. */
  id: string;
  appId: string;
  displayName: string;
  signInAudience: "AzureADMyOrg" | "AzureADMultipleOrgs";
  redirectUris: string[];
  /** Public client (isFallbackPublicClient): no credential; absent means false. */
  publicClient?: boolean;
  secrets: ClientSecret[];
  /** Certificate credentials; absent means none. */
  certificates?: ClientCertificate[];
  /** Delegated scopes the app declares (requiredResourceAccess, scope type). */
  delegatedPermissions: string[];
  /** Application permissions (app roles) the app declares. */
  applicationPermissions: string[];
  /** The app as an API: its identifier URIs (api://...), absent when it exposes none. */
  identifierUris?: string[];
  /** Delegated scopes the API exposes (oauth2PermissionScopes). */
  scopes?: ApiScope[];
  /** App roles the API defines, for users and applications. */
  appRoles?: AppRole[];
  /** requestedAccessTokenVersion of the API's access tokens; absent means 1, as in Entra. */
  accessTokenVersion?: 1 | 2;
  /** Which groups go in the `groups` claim of tokens for this API. */
  groupMembershipClaims?: "None" | "SecurityGroup" | "All";
  /** Permissions this client declares to APIs other than Graph (requiredResourceAccess). */
  apiPermissions?: ApiPermission[];
  /** Redirect URIs of the single-page application platform. */
  spaRedirectUris?: string[];
}

export interface ApiScope {
  id: string;
  value: string;
  adminConsentRequired: boolean;
  description: string;
}

export interface AppRole {
  id: string;
  value: string;
  allowedMemberTypes: ("User" | "Application")[];
  description: string;
}

export interface ApiPermission {
  /** The API's appId (resolved from the identifier URI or appId given at registration). */
  resourceAppId: string;
  delegated: string[];
  application: string[];
}

/** An app role granted to a user, group or service principal on a resource's service principal. */
export interface AppRoleAssignment {
  id: string;
  principalId: string;
  principalType: "User" | "Group" | "ServicePrincipal";
  principalDisplayName: string;
  appRoleId: string;
  appRole: string;
  createdDateTime: string;
}

/** A certificate credential (keyCredentials): its public certificate and thumbprints. */
export interface ClientCertificate {
  keyId: string;
  /** SHA-1 thumbprint, upper-case hex (what `x5t` names). */
  thumbprint: string;
  /** SHA-256 thumbprint, upper-case hex (what `x5t#S256` names). */
  thumbprintSha256: string;
  startDateTime: string;
  endDateTime: string;
  pem: string;
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  /** Application permissions granted by an admin in this tenant (appRoleAssignments). */
  appRoleAssignments: string[];
  /** For an API: who holds which of its app roles (appRoleAssignedTo); absent means nobody. */
  appRoleAssignedTo?: AppRoleAssignment[];
}

/** An oauth2PermissionGrant: delegated consent, per user or for all principals. */
export interface ConsentGrant {
  id: string;
  clientId: string;
  consentType: "AllPrincipals" | "Principal";
  principalId: string | null;
  resource: string;
  scopes: string[];
}

export interface AuthCode {
  /** SHA-256 of the code text; the code itself is never stored. */
  hash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  /** The `scope` parameter of the authorize request, split on spaces. */
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  issuedAt: string;
  expiresAt: string;
  redeemedAt: string | null;
  /** Issued to a redirect URI of the SPA platform. */
  spa?: boolean;
}

export interface RefreshToken {
  /** SHA-256 of the token text; the text itself is never stored. */
  hash: string;
  clientId: string;
  userId: string;
  scopes: string[];
  issuedAt: string;
  lastUsedAt: string;
  revokedAt: string | null;
  /** A single-page app's refresh token: it dies at this instant (24 hours after sign-in) whatever its use. */
  spaExpiresAt?: string;
}

/** A device authorization request (RFC 8628) awaiting a person at the verification page. */
export interface DeviceCode {
  /** SHA-256 of the device_code text; the code itself is never stored. */
  hash: string;
  /** What the person types: upper-case letters and digits. */
  userCode: string;
  clientId: string;
  /** The tenant path it was asked on: a tenant id, or common/organizations/consumers. */
  authority: string;
  /** The `scope` parameter, split on spaces. */
  scopes: string[];
  issuedAt: string;
  expiresAt: string;
  status: "pending" | "approved" | "declined" | "redeemed";
  /** Set once a person signed in and approved: who, and in which tenant. */
  userId: string | null;
  userTenantId: string | null;
}

/** A browser sign-in session at the authorize endpoint (the ESTS cookie). */
export interface SignInSession {
  id: string;
  userId: string;
  createdAt: string;
}

/** A Microsoft 365 or security group, for memberOf. */
export interface Group {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailEnabled: boolean;
  mailNickname: string;
  securityEnabled: boolean;
  groupTypes: string[];
  /** Object ids of member users. */
  members: string[];
}

export interface TenantState {
  id: string;
  displayName: string;
  defaultDomain: string;
  domains: string[];
  users: User[];
  applications: Application[];
  servicePrincipals: ServicePrincipal[];
  consentGrants: ConsentGrant[];
  authCodes: AuthCode[];
  refreshTokens: RefreshToken[];
  sessions: SignInSession[];
  deviceCodes: DeviceCode[];
  groups: Group[];
  /** Changes to users since the fixtures were loaded, oldest first (users/delta). */
  userChanges: UserChange[];
  calendars: Calendar[];
  events: CalendarEvent[];
  /** calendarView delta rounds, a bounded number per mailbox. */
  calendarSyncStates: CalendarSyncState[];
  /** Change-notification subscriptions (Graph's /subscriptions). */
  subscriptions: GraphSubscription[];
}

export interface EmulatorState {
  version: 1;
  tenants: TenantState[];
}

export interface TenantSummary {
  id: string;
  defaultDomain: string;
  displayName: string;
}

/** Deeply read-only view, so that reads cannot change state behind the store's back. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
