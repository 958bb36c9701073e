import { graphErrors } from "../../errors/graph-error.ts";
import { isCollection, userProperty, type UserProperty } from "./properties.ts";

/**
 * Reads a POST or PATCH /users body the way Graph does: first the JSON shape
 * and types against the CSDL (Microsoft.OData.Core's BadRequest messages),
 * then Entra's own checks (Request_BadRequest: undeclared and read-only
 * properties, invalid values). Never throws anything but a GraphError.
 */

type Json = unknown;

/** Known fields of the complex types a user body may carry; others are refused. */
const COMPLEX_FIELDS: Record<string, { type: string; fields: Record<string, string> }> = {
  "graph.passwordProfile": {
    type: "microsoft.graph.passwordProfile",
    fields: { password: "Edm.String", forceChangePasswordNextSignIn: "Edm.Boolean", forceChangePasswordNextSignInWithMfa: "Edm.Boolean" },
  },
  "graph.objectIdentity": {
    type: "microsoft.graph.objectIdentity",
    fields: { signInType: "Edm.String", issuer: "Edm.String", issuerAssignedId: "Edm.String" },
  },
  "graph.employeeOrgData": { type: "microsoft.graph.employeeOrgData", fields: { costCenter: "Edm.String", division: "Edm.String" } },
};

const nodeOf = (v: Json): string => (Array.isArray(v) ? "StartArray" : v !== null && typeof v === "object" ? "StartObject" : "PrimitiveValue");

/** Checks a JSON value against an Edm primitive type. */
function checkPrimitive(value: Json, type: string, property: string, nullable: boolean): void {
  if (value === null) {
    if (!nullable) throw graphErrors.jsonNullNotAllowed(property, type);
    return;
  }
  if (typeof value === "object") throw graphErrors.jsonNodeMismatch(nodeOf(value), "PrimitiveValue");
  switch (type) {
    case "Edm.String":
      if (typeof value !== "string") throw graphErrors.jsonPrimitiveMismatch(type);
      return;
    case "Edm.Boolean":
      if (typeof value === "string") throw graphErrors.jsonLiteralMismatch(value, type);
      if (typeof value !== "boolean") throw graphErrors.jsonPrimitiveMismatch(type);
      return;
    case "Edm.Int32":
      if (typeof value === "string") throw graphErrors.jsonLiteralMismatch(value, type);
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2 ** 31) throw graphErrors.jsonPrimitiveMismatch(type);
      return;
    case "Edm.DateTimeOffset":
      if (typeof value !== "string") throw graphErrors.jsonPrimitiveMismatch(type);
      if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
        throw graphErrors.jsonLiteralMismatch(value, type);
      }
      return;
  }
}

function checkComplex(value: Json, type: string, property: string): void {
  if (value === null) return;
  if (typeof value !== "object" || Array.isArray(value)) throw graphErrors.jsonNodeMismatch(nodeOf(value), "StartObject");
  const shape = COMPLEX_FIELDS[type];
  if (!shape) return;
  for (const [field, v] of Object.entries(value as Record<string, Json>)) {
    if (field.includes("@")) continue;
    const fieldType = shape.fields[field];
    if (!fieldType) throw graphErrors.jsonUndeclaredProperty(field, shape.type);
    checkPrimitive(v, fieldType, `${property}.${field}`, true);
  }
}

/** Checks one property's JSON against its CSDL type. */
function checkType(prop: UserProperty, value: Json): void {
  if (!isCollection(prop)) {
    if (prop.type.startsWith("Edm.")) checkPrimitive(value, prop.type, prop.name, !prop.nonNullable);
    else checkComplex(value, prop.type, prop.name);
    return;
  }
  if (value === null) {
    if (prop.nonNullable) throw graphErrors.jsonNullNotAllowed(prop.name, prop.type);
    return;
  }
  if (!Array.isArray(value)) throw graphErrors.jsonNodeMismatch(nodeOf(value), "StartArray");
  const item = prop.type.slice("Collection(".length, -1);
  for (const v of value) {
    if (item.startsWith("Edm.")) checkPrimitive(v, item, prop.name, false);
    else checkComplex(v, item, prop.name);
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Characters Entra refuses in a mailNickname (and in the alias of a userPrincipalName). */
const BAD_ALIAS = /[\s@()\\[\]";:<>,]/;

/** Entra's value checks beyond the JSON types. */
function checkValue(name: string, value: Json): void {
  const bad = () => graphErrors.userInvalidValue(name);
  switch (name) {
    case "displayName":
      if (typeof value !== "string" || value.trim() === "" || value.length > 256) throw bad();
      return;
    case "mailNickname":
      if (typeof value !== "string" || value === "" || value.length > 64 || BAD_ALIAS.test(value)) throw bad();
      return;
    case "userPrincipalName": {
      if (typeof value !== "string" || value.length > 113) throw bad();
      const at = value.lastIndexOf("@");
      if (at <= 0 || at === value.length - 1 || BAD_ALIAS.test(value.slice(0, at)) || value.startsWith(".")) throw bad();
      return;
    }
    case "mail":
      if (value !== null && (typeof value !== "string" || !EMAIL.test(value))) throw bad();
      return;
    case "otherMails":
      if (Array.isArray(value) && value.some((m) => typeof m !== "string" || !EMAIL.test(m))) throw bad();
      return;
    case "usageLocation":
      if (value !== null && (typeof value !== "string" || !/^[A-Za-z]{2}$/.test(value))) throw bad();
      return;
    case "ageGroup":
      if (value !== null && !["Minor", "NotAdult", "Adult"].includes(value as string)) throw bad();
      return;
    case "userType":
      if (value !== null && !["Member", "Guest"].includes(value as string)) throw bad();
      return;
  }
}

/** Entra's password policy: 8 to 256 characters, with three of upper, lower, digit and symbol. */
export function checkPasswordComplexity(password: string): void {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < 8 || password.length > 256 || classes < 3) throw graphErrors.passwordComplexity();
}

/**
 * The properties a body sets, by canonical name. `targetId` (PATCH) lets a
 * client send back the object's own id unchanged.
 */
export function readUserBody(body: Json, targetId?: string): Record<string, unknown> {
  if (body === undefined) throw graphErrors.invalidJson();
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw graphErrors.jsonNodeMismatch(nodeOf(body), "StartObject");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, Json>)) {
    // Instance annotations (@odata.type, @odata.context, x@odata.bind...) are not properties.
    if (key.includes("@")) continue;
    const prop = userProperty(key);
    if (!prop || prop.name !== key) throw graphErrors.invalidBodyProperty(key);
    if (key === "id" && targetId !== undefined && typeof value === "string" && value.toLowerCase() === targetId.toLowerCase()) continue;
    checkType(prop, value);
    if (!prop.writable) throw graphErrors.readOnlyProperty(key);
    checkValue(key, value);
    out[key] = value;
  }
  return out;
}

/** POST /users: the properties Graph requires, in the order it reports them. */
export function checkRequired(props: Record<string, unknown>): string {
  for (const name of ["accountEnabled", "displayName", "mailNickname", "passwordProfile", "userPrincipalName"]) {
    if (props[name] === undefined || props[name] === null) throw graphErrors.userPropertyRequired(name);
  }
  const password = (props.passwordProfile as { password?: unknown }).password;
  if (typeof password !== "string" || password === "") throw graphErrors.userPropertyRequired("passwordProfile.password");
  checkPasswordComplexity(password);
  return password;
}
