// URL functions' GET is bounded in time as a whole (issue 18 item 12): a body that trickles one
// byte at a time, each well inside any idle timeout, still ends when the time is up.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { pinnedGet } from "./node-services.js";

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("pinnedGet", () => {
  it("times out a body that trickles, however often a byte arrives", async () => {
    const srv = http.createServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("."), 100);
      // Ends by itself after 6 s: a timeout on socket idleness alone would return the body then.
      const end = setTimeout(() => res.end(), 6000);
      res.on("close", () => {
        clearInterval(timer);
        clearTimeout(end);
      });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    close = () => {
      srv.closeAllConnections();
      srv.close();
    };
    const url = new URL(`http://slow.example.com:${(srv.address() as AddressInfo).port}/`);
    const started = Date.now();
    const out = await pinnedGet(url, ["127.0.0.1"], 1000, 1 << 20);
    expect(out).toEqual({ ok: false, error: "request timed out after 1000 ms" });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
