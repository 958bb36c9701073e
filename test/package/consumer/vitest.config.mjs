// (c) A consumer's vitest config: one emulator for the run; the setup file makes thread workers trust it.
export default {
  test: {
    include: ["*.test.mjs"],
    globalSetup: ["graph-emulator/vitest-global-setup"],
    setupFiles: ["graph-emulator/vitest-setup"],
  },
};
