/**
 * A separate backend instance for the crash test: connects to a shared token
 * store, runs one renewal sweep, and hangs on its token requests after
 * `hangAfter` of them, printing "hung" so the test can kill it mid-sweep
 * with SIGKILL, claims held.
 *
 * Input (argv[2], JSON): { kind, url, table, key, settings, hangAfter }.
 */
import { caFetch, MicrosoftFunctions, PostgresTokenStore, RedisTokenStore, type SettingsInput } from "../../src/index.ts";

const input = JSON.parse(process.argv[2] as string) as { kind: "postgres" | "redis"; url: string; table: string; key: string; settings: SettingsInput; hangAfter: number };
const store =
  input.kind === "postgres"
    ? await PostgresTokenStore.connect(input.url, { encryptionKey: input.key, table: input.table })
    : await RedisTokenStore.connect(input.url, { encryptionKey: input.key, keyPrefix: `${input.table}:` });
let tokenRequests = 0;
const trusted = caFetch(input.settings.caCertificate as string);
const client = new MicrosoftFunctions(input.settings, {
    tokenStore: store,
    fetch: (url, init) => {
      if (String(url).includes("/oauth2/v2.0/token") && ++tokenRequests > input.hangAfter) {
        process.stdout.write("hung\n");
        return new Promise(() => undefined);
      }
      return trusted(url, init);
    },
});
const report = await client.renewRefreshTokens({ concurrency: 2 });
process.stdout.write(`${JSON.stringify(report)}\n`);
await store.close();
