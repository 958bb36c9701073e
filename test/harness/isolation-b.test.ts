import { defineIsolationSuite } from "./isolation-suite.ts";

/** Runs in parallel with isolation-a.test.ts against the shared emulator, each in its own tenant. */
defineIsolationSuite("b");
