// (a) The same from CommonJS: require() of the ES module package (Node 20.19+).
const { startEmulator } = require("graph-emulator");

startEmulator({ port: 0, inMemory: true, quiet: true }).then(async (emu) => {
  const res = await emu.fetch("/_emulator/health");
  await emu.close();
  console.log(JSON.stringify({ health: res.status }));
});
