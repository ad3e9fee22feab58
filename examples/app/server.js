// A tiny demo service for the local provider: answers with its image label and instance id.
//   GET /healthz        health check
//   GET /?delay=200     answers after 200 ms (to watch in-flight requests drain)
// FAIL_START=true makes it exit at once (to show a deploy failing and rolling back).
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8080);
const image = process.env.CAPSTAN_IMAGE ?? "unknown";
const instance = process.env.CAPSTAN_INSTANCE_ID ?? `pid-${process.pid}`;

if (process.env.FAIL_START === "true") {
  console.error(`${instance}: FAIL_START=true, exiting`);
  process.exit(1);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (url.pathname === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("ok\n");
    return;
  }
  const delay = Math.min(Number(url.searchParams.get("delay") ?? 0) || 0, 10_000);
  setTimeout(() => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(`${JSON.stringify({ image, instance })}\n`);
  }, delay);
});

server.listen(port, "127.0.0.1");
// Finish in-flight requests, then exit.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
