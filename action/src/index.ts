import { main } from "./main.js";

await main();
// Handles the engine may leave open (a halted execution, keep-alive sockets) must not keep the job alive.
process.exit(process.exitCode ?? 0);
