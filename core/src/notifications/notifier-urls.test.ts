// Notification URLs get the webhook stage's checks (issue 18 item 5): the name is resolved, every
// address must be public (loopback only with the loopback allowance), and the POST connects to the
// address that was checked, never to a second DNS answer.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../engine/clock.js";
import { fetchHttpClient } from "../engine/node-services.js";
import type { HttpClient, HttpRequest } from "../engine/services.js";
import { HttpTransportError } from "../engine/services.js";
import { runPipeline } from "../engine/testdata/kit.js";
import { createNotifier } from "./notifier.js";

let close: (() => void) | undefined;
afterEach(() => close?.());

const pipeline = (address: string) => `
name: n
notifications:
  - { type: webhook, address: "${address}", when: [pipeline.starting] }
stages: [{ id: w, type: wait, duration: 1s }]
`;

/** A client whose DNS gives `answers` in turn and that records where each POST connected. */
function network(answers: (string | Error)[]) {
  const lookups: string[] = [];
  const connected: string[] = [];
  const lookup = async (hostname: string) => {
    const answer = answers[Math.min(lookups.length, answers.length - 1)];
    lookups.push(hostname);
    if (answer instanceof Error) throw answer;
    return [answer];
  };
  const client: HttpClient = {
    lookup,
    async request(req: HttpRequest) {
      // Pinned to the checked address, or (unpinned) resolved again at connect time.
      connected.push(
        req.addresses
          ? `pinned ${req.addresses[0]}`
          : `resolved ${(await lookup(new URL(req.url).hostname))[0]}`,
      );
      return { status: 200, headers: {}, body: "" };
    },
  };
  return { client, lookups, connected };
}

async function deliver(client: HttpClient, address: string, allowLoopbackUrls = false) {
  const clock = new FakeClock();
  const r = await runPipeline(pipeline(address), {
    clock,
    http: client,
    notifier: createNotifier({ http: client, clock, allowLoopbackUrls }),
  });
  return r.notifications[0];
}

describe("notification URLs", () => {
  it.each([
    ["169.254.169.254", "a link-local address"],
    ["10.0.0.7", "a private address"],
    ["127.0.0.1", "a loopback address"],
    ["fd00::1", "a unique local (private) address"],
  ])("a name resolving to %s is refused and nothing is sent", async (address, why) => {
    const net = network([address]);
    const n = await deliver(net.client, "https://hooks.example.com/x");
    expect(n).toMatchObject({ ok: false, attempts: 0 });
    expect(n.error).toContain(`resolves to ${address}, ${why}`);
    expect(net.connected).toEqual([]);
  });

  it("the POST goes to the address that was checked, not to a later DNS answer", async () => {
    const net = network(["93.184.216.34", "169.254.169.254"]);
    const n = await deliver(net.client, "https://hooks.example.com/x");
    expect(n).toMatchObject({ ok: true, attempts: 1 });
    expect(net.connected).toEqual(["pinned 93.184.216.34"]);
    expect(net.lookups).toEqual(["hooks.example.com"]);
  });

  it("a failed lookup sends nothing; the delivery is retried and then recorded as failed", async () => {
    const net = network([new HttpTransportError("unknown-host", "getaddrinfo ENOTFOUND hooks.example.com")]);
    const n = await deliver(net.client, "https://hooks.example.com/x");
    expect(n).toMatchObject({ ok: false, attempts: 3 });
    expect(n.error).toContain("could not resolve hooks.example.com");
    expect(net.connected).toEqual([]);
  });

  it("with the loopback allowance, a name resolving to loopback is delivered to the checked address", async () => {
    const got: string[] = [];
    const srv = http.createServer((req, res) => {
      got.push(`${req.headers.host} ${req.url}`);
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    close = () => srv.close();
    const port = (srv.address() as AddressInfo).port;
    const client: HttpClient = { ...fetchHttpClient, lookup: async () => ["127.0.0.1"] };
    const url = `http://receiver.example.com:${port}/hook`;
    expect(await deliver(client, url)).toMatchObject({ ok: false, attempts: 0 });
    expect(await deliver(client, url, true)).toMatchObject({ ok: true, attempts: 1 });
    expect(got).toEqual([`receiver.example.com:${port} /hook`]);
  });
});
