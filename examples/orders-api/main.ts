import { ordersApi } from "./app.ts";
import { readConfig } from "./config.ts";

const config = readConfig();
ordersApi(config).listen(config.port, config.host, () => {
  console.log(`Contoso Orders API listening on http://${config.host}:${config.port}`);
});
