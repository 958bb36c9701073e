import { liveCli } from "./live-cli.ts";

/** `npm run test:contracts:live` (see contracts/live-cli.ts and docs/contracts.md). */
process.exitCode = await liveCli(process.argv.slice(2), process.env);
