import { defineIsolationSuite } from "./isolation-suite.ts";

/** Runs in parallel with isolation-b.test.ts against the shared emulator, each in its own tenant. */
defineIsolationSuite("a");
