import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command's flags, strictly: no positionals, no unknown flags. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Reads a command's flags with Node's parser. An unknown or malformed flag
 * becomes the command's own error, pointing at --help.
 */
export function parseFlags(argv: string[], options: NonNullable<ParseArgsConfig["options"]>, fail: (message: string) => Error): FlagValues {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values as FlagValues;
  } catch (err) {
    throw fail(`${(err as Error).message}\nRun with --help to see the options.`);
  }
}
