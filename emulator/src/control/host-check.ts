import type { NextFunction, Request, Response } from "express";
import { AdminError } from "../tenants/admin.ts";

/**
 * Refuses control-plane and dashboard requests addressed to a host name the
 * emulator does not answer to. On loopback the control plane needs no token,
 * so a web page whose name an attacker re-points at 127.0.0.1 (DNS rebinding)
 * would otherwise reach it as a same-origin page: its requests carry the
 * attacker's name in Host. Graph and the identity endpoints are not checked:
 * they verify tokens and serve whatever name the certificate covers.
 */
export function hostCheck(allowed: ReadonlySet<string>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const host = (req.headers.host ?? "").toLowerCase();
    if (allowed.has(host)) return next();
    throw new AdminError(
      421,
      "MisdirectedRequest",
      `The control plane answers only requests addressed to this machine (${[...allowed].filter((h) => /^(\[[^\]]*\]|[^:]*)$/.test(h)).join(", ")}), not to '${host.slice(0, 100)}'.`,
    );
  };
}

/**
 * The Host values a loopback emulator answers to: each local name, the configured host and the
 * names given with --hostname, alone and with the port.
 */
export function loopbackHosts(configured: string, port: number, hostnames: readonly string[] = []): Set<string> {
  const bracket = (h: string) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h);
  const names = new Set(["localhost", "127.0.0.1", "[::1]", configured, ...hostnames].map((n) => bracket(n).toLowerCase()));
  const hosts = new Set<string>();
  for (const n of names) {
    hosts.add(n);
    hosts.add(`${n}:${port}`);
  }
  return hosts;
}
