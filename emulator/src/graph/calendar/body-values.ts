import { graphErrors } from "../../errors/graph-error.ts";

/**
 * Reading request-body values the way Graph's OData layer does: a value of
 * the wrong JSON type or an unknown enum member is a 400 RequestBodyRead.
 */

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Looks a property up case-insensitively (Graph accepts "Subject" as well as "subject"). */
export function prop(body: Record<string, unknown>, name: string): unknown {
  if (name in body) return body[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(body)) if (k.toLowerCase() === lower) return body[k];
  return undefined;
}

export function has(body: Record<string, unknown>, name: string): boolean {
  return prop(body, name) !== undefined;
}

export function str(v: unknown, edm = "Edm.String"): string {
  if (typeof v !== "string") throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type '${edm}'.`);
  return v;
}

export function optStr(v: unknown): string | null | undefined {
  return v === undefined || v === null ? (v as null | undefined) : str(v);
}

export function bool(v: unknown): boolean {
  if (typeof v !== "boolean") throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type 'Edm.Boolean'.`);
  return v;
}

export function int(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > 2_147_483_647) {
    throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type 'Edm.Int32'.`);
  }
  return v;
}

export function obj(v: unknown, type: string): Record<string, unknown> {
  if (!isObject(v)) throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type '${type}'.`);
  return v;
}

export function arr(v: unknown, type: string): unknown[] {
  if (!Array.isArray(v)) throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type 'Collection(${type})'.`);
  return v;
}

/** An enum member, case-insensitively, returned in its canonical spelling. */
export function enumValue<T extends string>(v: unknown, members: readonly T[]): T {
  if (typeof v !== "string") throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type 'Edm.String'.`);
  const found = members.find((m) => m.toLowerCase() === v.toLowerCase());
  // OData's message for an unknown member.
  if (!found) throw graphErrors.requestBodyRead(`The string '${v}' is not a valid enumeration type constant.`);
  return found;
}

/*
 * Action parameters: OData's JSON reader converts a primitive written as a
 * JSON string to the parameter's type, as XmlConvert reads it, so the
 * findMeetingTimes example's "isOrganizerOptional": "false" and
 * "minimumAttendeePercentage": "100" (user-findmeetingtimes.md) are a boolean
 * and a number. Any other type is refused as a wrong literal.
 */

/** An Edm.Boolean parameter: true/false, or "true", "false", "1", "0" (XmlConvert.ToBoolean, surrounding spaces allowed). */
export function boolParameter(v: unknown): boolean {
  if (typeof v === "string") {
    const text = v.trim();
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
  }
  return bool(v);
}

/** An Edm.Int32 parameter: an integer, or one written as a string (XmlConvert.ToInt32). */
export function int32Parameter(v: unknown): number {
  if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) return int(Number(v));
  return int(v);
}

/** An Edm.Double parameter: a number, or one written as a string (XmlConvert.ToDouble). */
export function doubleParameter(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  throw graphErrors.requestBodyRead(`Cannot convert the literal '${show(v)}' to the expected type 'Edm.Double'.`);
}
