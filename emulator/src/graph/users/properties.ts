/**
 * The Graph `user` properties the emulator knows, with their CSDL types
 * (reference data/graph-v1.0-csdl.xml, entity type microsoft.graph.user) and
 * how Graph lets each one be read, written, filtered and sorted.
 *
 * Filter levels follow Microsoft's "filter-directory-objects" table: "D" works
 * by default, "A" needs an advanced query (ConsistencyLevel: eventual and
 * $count=true). A property with no `filter` cannot be filtered at all.
 */

/** Default (D) or advanced-query-only (A). */
export type Level = "D" | "A";

export interface FilterRule {
  /** eq (and the non-null side of `in`). */
  eq?: Level;
  /** `in`, when it differs from eq (createdDateTime). */
  in?: Level;
  startsWith?: Level;
  /** ge and le. */
  range?: Level;
  endsWith?: Level;
  /** `any` lambdas on a collection property. */
  any?: Level;
}

export interface UserProperty {
  name: string;
  /** The CSDL type, e.g. "Edm.String", "Collection(Edm.String)", "graph.passwordProfile". */
  type: string;
  /** CSDL Nullable="false": an unset collection reads as []. */
  nonNullable?: boolean;
  /** In Graph's default set (no $select). */
  isDefault?: boolean;
  /** Only on a single user: $select on /users answers 501. */
  singleOnly?: boolean;
  /** May be set by POST and PATCH. */
  writable?: boolean;
  filter?: FilterRule;
  orderBy?: Level;
}

const S = "Edm.String";
const B = "Edm.Boolean";
const DT = "Edm.DateTimeOffset";
const SC = "Collection(Edm.String)";
const D: Level = "D";
const A: Level = "A";
/** eq, in, startsWith, ge/le all work by default. */
const EQ_SW_RANGE: FilterRule = { eq: D, startsWith: D, range: D };
/** Every operator needs an advanced query. */
const ALL_A: FilterRule = { eq: A, startsWith: A, range: A };

const p = (name: string, type: string, rest: Omit<UserProperty, "name" | "type"> = {}): UserProperty => ({ name, type, ...rest });

const PROPERTIES: readonly UserProperty[] = [
  p("id", S, { isDefault: true, filter: { eq: D } }),
  p("deletedDateTime", DT, { orderBy: A }),
  p("aboutMe", S, { singleOnly: true, writable: true }),
  p("accountEnabled", B, { writable: true, filter: { eq: D } }),
  p("ageGroup", S, { writable: true, filter: { eq: D } }),
  p("assignedLicenses", "Collection(graph.assignedLicense)", { nonNullable: true, filter: { any: D } }),
  p("assignedPlans", "Collection(graph.assignedPlan)", { nonNullable: true, filter: { any: D } }),
  p("authorizationInfo", "graph.authorizationInfo", { writable: true }),
  p("birthday", DT, { singleOnly: true, writable: true }),
  p("businessPhones", SC, { nonNullable: true, isDefault: true, writable: true, filter: { eq: D, any: D } }),
  p("city", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("companyName", S, { writable: true, filter: ALL_A, orderBy: A }),
  p("consentProvidedForMinor", S, { writable: true }),
  p("country", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("createdDateTime", DT, { filter: { eq: D, in: A, range: D }, orderBy: A }),
  p("creationType", S, { filter: { eq: D } }),
  p("customSecurityAttributes", "graph.customSecurityAttributeValue", { writable: true }),
  p("department", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("deviceEnrollmentLimit", "Edm.Int32", { writable: true }),
  p("displayName", S, { isDefault: true, writable: true, filter: EQ_SW_RANGE, orderBy: D }),
  p("employeeHireDate", DT, { writable: true, filter: ALL_A, orderBy: A }),
  p("employeeId", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("employeeLeaveDateTime", DT, { writable: true }),
  p("employeeOrgData", "graph.employeeOrgData", { writable: true }),
  p("employeeType", S, { writable: true, filter: ALL_A }),
  p("externalUserState", S),
  p("externalUserStateChangeDateTime", DT),
  p("faxNumber", S, { writable: true }),
  p("givenName", S, { isDefault: true, writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("hireDate", DT, { singleOnly: true, writable: true }),
  p("identities", "Collection(graph.objectIdentity)", { writable: true, filter: { any: D } }),
  p("identityParentId", S),
  p("imAddresses", SC, { filter: { eq: D, startsWith: D, any: D } }),
  p("interests", SC, { singleOnly: true, writable: true }),
  p("isManagementRestricted", B),
  p("isResourceAccount", B, { writable: true }),
  p("jobTitle", S, { isDefault: true, writable: true, filter: { eq: D, startsWith: A, range: D }, orderBy: A }),
  p("lastPasswordChangeDateTime", DT),
  p("legalAgeGroupClassification", S),
  p("licenseAssignmentStates", "Collection(graph.licenseAssignmentState)"),
  p("mail", S, { isDefault: true, writable: true, filter: { ...EQ_SW_RANGE, endsWith: A }, orderBy: A }),
  p("mailboxSettings", "graph.mailboxSettings", { singleOnly: true }),
  p("mailNickname", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("mobilePhone", S, { isDefault: true, writable: true, filter: ALL_A }),
  p("mySite", S, { singleOnly: true, writable: true }),
  p("officeLocation", S, { isDefault: true, writable: true, filter: ALL_A }),
  p("onPremisesDistinguishedName", S),
  p("onPremisesDomainName", S),
  p("onPremisesExtensionAttributes", "graph.onPremisesExtensionAttributes", { writable: true, filter: ALL_A }),
  p("onPremisesImmutableId", S, { writable: true, filter: ALL_A }),
  p("onPremisesLastSyncDateTime", DT, { filter: ALL_A }),
  p("onPremisesProvisioningErrors", "Collection(graph.onPremisesProvisioningError)"),
  p("onPremisesSamAccountName", S, { filter: ALL_A }),
  p("onPremisesSecurityIdentifier", S),
  p("onPremisesSyncEnabled", B, { filter: { eq: D } }),
  p("onPremisesUserPrincipalName", S, { filter: { eq: D } }),
  p("otherMails", SC, { nonNullable: true, writable: true, filter: { eq: D, startsWith: D, endsWith: A, any: D } }),
  p("passwordPolicies", S, { writable: true, filter: ALL_A }),
  p("passwordProfile", "graph.passwordProfile", { writable: true }),
  p("pastProjects", SC, { singleOnly: true, writable: true }),
  p("postalCode", S, { writable: true, filter: ALL_A }),
  p("preferredDataLocation", S, { writable: true }),
  p("preferredLanguage", S, { isDefault: true, writable: true, filter: ALL_A }),
  p("preferredName", S, { singleOnly: true, writable: true }),
  p("print", "graph.userPrint"),
  p("provisionedPlans", "Collection(graph.provisionedPlan)", { nonNullable: true }),
  p("proxyAddresses", SC, { nonNullable: true, filter: { eq: D, startsWith: D, endsWith: A, any: D } }),
  p("responsibilities", SC, { singleOnly: true, writable: true }),
  p("schools", SC, { singleOnly: true, writable: true }),
  p("securityIdentifier", S),
  p("serviceProvisioningErrors", "Collection(graph.serviceProvisioningError)"),
  p("showInAddressList", B, { writable: true, filter: ALL_A }),
  p("signInActivity", "graph.signInActivity", { filter: { eq: D, range: D } }),
  p("signInSessionsValidFromDateTime", DT),
  p("skills", SC, { singleOnly: true, writable: true }),
  p("state", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("streetAddress", S, { writable: true, filter: ALL_A }),
  p("surname", S, { isDefault: true, writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("usageLocation", S, { writable: true, filter: EQ_SW_RANGE, orderBy: A }),
  p("userPrincipalName", S, { isDefault: true, writable: true, filter: { ...EQ_SW_RANGE, endsWith: A }, orderBy: D }),
  p("userType", S, { writable: true, filter: { eq: D } }),
];

const BY_LOWER = new Map(PROPERTIES.map((prop) => [prop.name.toLowerCase(), prop]));

/** Finds a user property by name, case-insensitively (Graph URLs are case-insensitive). */
export function userProperty(name: string): UserProperty | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

export function allUserProperties(): readonly UserProperty[] {
  return PROPERTIES;
}

/** Graph's default property set, in the order Graph writes it. */
export const DEFAULT_USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;

export const isCollection = (prop: UserProperty): boolean => prop.type.startsWith("Collection(");
export const isComplex = (prop: UserProperty): boolean => !prop.type.startsWith("Edm.") && !isCollection(prop);
