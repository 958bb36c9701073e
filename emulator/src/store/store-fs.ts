import { mkdir, open, rename, rm } from "node:fs/promises";

/**
 * The file operations the store writes through. The store takes them as a
 * dependency so that tests can make the disk misbehave (ENOSPC, EIO, EROFS, a
 * write cut short) and exercise the real append, fsync and roll-back code;
 * the emulator passes `nodeStoreFs`, which is node:fs/promises as it is.
 * Reads are not routed through here: a state folder is read before anything
 * is served, and a read that fails stops the start or the recovery with its path.
 */
export interface StoreFile {
  appendFile(data: string): Promise<void>;
  writeFile(data: string): Promise<void>;
  /** fdatasync(2). */
  datasync(): Promise<void>;
  /** fsync(2). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface StoreFs {
  open(path: string, flags: "a" | "w" | "r+", mode?: number): Promise<StoreFile>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  rm(path: string, options: { recursive?: boolean; force: true }): Promise<void>;
}

export const nodeStoreFs: StoreFs = { open, rename, mkdir, rm };

/** Error codes that mean the disk refused a write (as opposed to a bug). */
export const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);
