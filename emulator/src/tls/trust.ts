import { readFileSync } from "node:fs";
import { globalAgent } from "node:https";
import { createSecureContext, rootCertificates } from "node:tls";
import { Agent, setGlobalDispatcher, type Dispatcher } from "undici";

/**
 * An undici dispatcher that trusts `caCert` (the emulator's CA) besides Node's bundled roots, for
 * `fetch(url, { dispatcher })`. Node's global fetch takes no CA per request, and
 * NODE_EXTRA_CA_CERTS counts only if set before Node starts: a dispatcher is the one way in.
 */
export function trustingDispatcher(caCert: string): Dispatcher {
  return new Agent({ connect: { ca: trusted(caCert) } });
}

/**
 * Makes this thread's global fetch (which MSAL and the Graph SDKs use) and node:https trust
 * `caCert` besides Node's roots and NODE_EXTRA_CA_CERTS, as NODE_EXTRA_CA_CERTS would had it been
 * set before Node started. For test processes and worker threads; every call replaces the last.
 */
export function trustCaGlobally(caCert: string): void {
  const ca = trusted(caCert);
  setGlobalDispatcher(new Agent({ connect: { ca } }));
  // node:https gets one secure context for every connection: given `ca`, it would parse the 140-odd
  // certificates again for each new connection and join them into each request's agent key.
  delete globalAgent.options.ca;
  globalAgent.options.secureContext = createSecureContext({ ca });
}

/** Node's roots, NODE_EXTRA_CA_CERTS (which a CA list given explicitly would otherwise leave out) and `caCert`. */
function trusted(caCert: string): string[] {
  return [...rootCertificates, ...extraCaCerts(), caCert];
}

function extraCaCerts(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, "utf8")];
  } catch {
    return [];
  }
}
