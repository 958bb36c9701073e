import { configFromEnv } from "./config.ts";
import { startSampleApp } from "./app.ts";

/**
 * Starts the sample app:
 *
 *   NODE_EXTRA_CA_CERTS=.graph-emulator/ca.pem npx tsx examples/sample-app/main.ts
 *
 * The emulator must be running (npm start) and its CA trusted by Node before
 * Node starts, exactly as a real app trusts Microsoft's certificates.
 */
const config = configFromEnv();

try {
  await fetch(`${config.emulatorUrl}/_emulator/health`);
} catch (err) {
  const cause = (err as { cause?: { code?: string } }).cause;
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(cause?.code ?? "");
  console.error(
    tls
      ? `The emulator's certificate is not trusted. Start with NODE_EXTRA_CA_CERTS=<emulator data dir>/ca.pem (by default .graph-emulator/ca.pem).`
      : `Cannot reach the emulator at ${config.emulatorUrl} (${cause?.code ?? (err as Error).message}). Start it with npm start, or set EMULATOR_URL.`,
  );
  process.exit(1);
}

const sample = await startSampleApp(config);
console.log(`Contoso Portal sample listening on ${sample.url}`);
console.log(`  signs in to ${config.emulatorUrl}/${config.tenantId} as client ${config.clientId}, redirect URI ${sample.url}/auth/callback`);

const stop = () => void sample.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
