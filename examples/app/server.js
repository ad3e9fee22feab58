// A tiny demo service for the local provider: answers with its image label and instance id.
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8080);
const image = process.env.CAPSTAN_IMAGE ?? "unknown";
const instance = process.env.CAPSTAN_INSTANCE_ID ?? `pid-${process.pid}`;

const server = createServer((request, response) => {
  if (request.url === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("ok\n");
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(`${JSON.stringify({ image, instance })}\n`);
});

server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
