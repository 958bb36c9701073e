import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { allUserProperties, DEFAULT_USER_PROPERTIES } from "../../../emulator/src/graph/users/properties.ts";
import { groupAsDirectoryObject, roleAsDirectoryObject } from "../../../emulator/src/graph/users/views.ts";

/**
 * The users API's property names and types agree with Microsoft's v1.0 CSDL
 * (msgraph-metadata clean_v10_metadata), read at run time from
 * ../shared/reference/data; nothing of it is copied here.
 */
const FILE = fileURLToPath(new URL("../../../../shared/reference/data/graph-v1.0-csdl.xml", import.meta.url));
const exists = existsSync(FILE);
const skipped = exists ? "" : " (skipped: ../shared/reference/data not present)";
const csdl = exists ? readFileSync(FILE, "utf8") : "";

/** Properties of an entity type and its base types: name → { type, nullable }. */
function properties(typeName: string): Map<string, { type: string; nullable: boolean }> {
  const out = new Map<string, { type: string; nullable: boolean }>();
  let name: string | undefined = typeName;
  while (name) {
    const m = new RegExp(`<EntityType Name="${name}"(?: BaseType="graph\\.([A-Za-z]+)")?[^>]*>([\\s\\S]*?)</EntityType>`).exec(csdl);
    if (!m) break;
    for (const p of (m[2] as string).matchAll(/<Property Name="([^"]+)" Type="([^"]+)"( Nullable="false")?/g)) {
      if (!out.has(p[1] as string)) out.set(p[1] as string, { type: p[2] as string, nullable: !p[3] });
    }
    name = m[1];
  }
  return out;
}

describe(`users properties vs the v1.0 CSDL${skipped}`, () => {
  it.skipIf(!exists)(`every user property the emulator knows has the CSDL's name, type and nullability${skipped}`, () => {
    const user = properties("user");
    expect(user.size).toBeGreaterThan(80);
    for (const prop of allUserProperties()) {
      const declared = user.get(prop.name);
      expect(declared, `${prop.name} is not a property of microsoft.graph.user`).toBeDefined();
      expect(prop.type, prop.name).toBe(declared!.type);
      // Non-nullable collections read as [] when unset; the emulator must know which they are.
      if (prop.type.startsWith("Collection(")) expect(prop.nonNullable === true, `${prop.name} nullability`).toBe(!declared!.nullable);
    }
  });

  it.skipIf(!exists)(`Graph's default set is made of declared user properties${skipped}`, () => {
    const user = properties("user");
    for (const name of DEFAULT_USER_PROPERTIES) expect(user.has(name), name).toBe(true);
  });

  it.skipIf(!exists)(`groups and directory roles in memberOf carry only declared properties${skipped}`, () => {
    const group = properties("group");
    const view = groupAsDirectoryObject(
      { id: "g", displayName: "G", description: null, mail: null, mailEnabled: false, mailNickname: "g", securityEnabled: true, groupTypes: [], members: [] },
      null,
    );
    for (const key of Object.keys(view).filter((k) => k !== "@odata.type")) expect(group.has(key), `group.${key}`).toBe(true);
    const role = properties("directoryRole");
    for (const key of Object.keys(roleAsDirectoryObject({ id: "r", displayName: "R", roleTemplateId: "t" }, null)).filter((k) => k !== "@odata.type")) {
      expect(role.has(key), `directoryRole.${key}`).toBe(true);
    }
  });
});
