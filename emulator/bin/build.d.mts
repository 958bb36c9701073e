/** Types for build.mjs (plain JavaScript, so that `npm start` needs no TypeScript loader). */
export const OUT_DIR: string;
export const BUNDLE: string;
export const MANIFEST: string;
export interface BuildManifest {
  node: string;
  inputs: Record<string, string>;
  hash: string;
}
export function currentBuild(): BuildManifest | undefined;
export function codeCacheFile(manifest: BuildManifest): string;
export function bundle(options: { entry: string; outfile: string; format: "esm" | "cjs"; sourcemap?: boolean | "linked" | "inline" | "external"; metaUrlFrom?: (sourcePath: string) => string; target?: string }): Promise<{ metafile: { inputs: Record<string, unknown> } }>;
export function build(): Promise<BuildManifest>;
