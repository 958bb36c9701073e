import { TokenStoreError } from "./crypto.ts";

/**
 * Loads an optional peer dependency (a database driver) on first use, so
 * applications that never use that store need not install it.
 */
export async function loadDriver<T>(pkg: string, storeName: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new TokenStoreError("DriverMissing", `${storeName} needs the "${pkg}" package, an optional peer dependency: npm install ${pkg}`);
    }
    throw err;
  }
}
