import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { checkHealth } from "./health-check.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

describe("checkHealth", () => {
  it("is ok on a 2xx answer and says why otherwise", async () => {
    const port = await serve((req, res) => {
      res.writeHead(req.url === "/healthz" ? 204 : 503);
      res.end();
    });
    expect(await checkHealth(port, "/healthz", 2000)).toEqual({ ok: true });
    expect(await checkHealth(port, "/other", 2000)).toEqual({ ok: false, reason: "answered 503" });
  });

  it("names a refused connection", async () => {
    const port = await serve(() => {});
    const server = servers.pop()!;
    await new Promise((r) => server.close(r));
    expect(await checkHealth(port, "/healthz", 2000)).toEqual({ ok: false, reason: "connection refused" });
  });

  it("bounds the whole exchange: an answer that trickles in past the timeout fails", async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200);
      // A byte every 50 ms keeps the socket busy, so only a deadline on the whole answer ends it.
      const drip = setInterval(() => res.write("."), 50);
      res.on("close", () => clearInterval(drip));
    });
    expect(await checkHealth(port, "/healthz", 300)).toEqual({
      ok: false,
      reason: "no answer within 300 ms",
    });
  });
});
