import { Agent, get } from "node:http";

const agent = new Agent({ keepAlive: false });

/** One HTTP health check: true when GET 127.0.0.1:port/path answers 2xx within the timeout. */
export function checkHealth(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const req = get({ host: "127.0.0.1", port, path, agent, timeout: timeoutMs }, (res) => {
      res.resume();
      const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
      res.on("end", () => done(ok));
      res.on("error", () => done(false));
    });
    req.on("timeout", () => {
      req.destroy();
      done(false);
    });
    req.on("error", () => done(false));
  });
}
