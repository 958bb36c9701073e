import express, { type NextFunction, type Request, type Response } from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { compose } from "./compose.ts";
import { mountAt } from "./mount.ts";

/** What a mounted handler sees, or (passed on) what the next middleware sees. */
const seen = (where: string) => (req: Request, res: Response) => {
  res.json({ where, url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl, path: req.path });
};

/** The handler under test: answers /pass... by passing on, /fail by an error, anything else itself. */
function mounted(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith("/pass")) return next();
  if (req.path === "/fail") return next(new Error("failed"));
  if (req.path === "/throw") throw new Error("thrown");
  seen("mounted")(req, res);
}

function onError(err: Error, req: Request, res: Response, _next: NextFunction): void {
  res.status(500).json({ where: "error", message: err.message, url: req.url, baseUrl: req.baseUrl });
}

const withMountAt = express().use(compose(mountAt("/v1.0", mounted))).use(seen("after")).use(onError);
const withExpress = express().use("/v1.0", mounted).use(seen("after")).use(onError);

describe("mountAt", () => {
  const urls = [
    "/v1.0/me",
    "/V1.0/Me?$select=id",
    "/v1.0",
    "/v1.0/",
    "/v1.0?x=1",
    "/v1.0/users/a%2Fb/manager",
    "/v1.00/me",
    "/v1.0x",
    "/v2.0/me",
    "/",
    "/v1.0/pass/on?q=1",
    "/v1.0/fail",
    "/v1.0/throw",
  ];
  for (const url of urls) {
    it(`serves ${url} as app.use("/v1.0", handler) does`, async () => {
      const a = await request(withMountAt).get(url);
      const b = await request(withExpress).get(url);
      expect(a.status).toBe(b.status);
      expect(a.body).toEqual(b.body);
    });
  }

  it("sets the base URL in the caller's casing and restores url and baseUrl when the handler passes on", async () => {
    const mountedRes = await request(withMountAt).get("/V1.0/Me");
    expect(mountedRes.body).toMatchObject({ where: "mounted", url: "/Me", baseUrl: "/V1.0" });
    const passed = await request(withMountAt).get("/v1.0/pass");
    expect(passed.body).toMatchObject({ where: "after", url: "/v1.0/pass", baseUrl: "" });
  });
});
