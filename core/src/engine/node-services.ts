import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import type { UrlFetcher } from "../expr/index.js";
import type { HttpClient, ProcessRunner, RunningProcess } from "./services.js";
import { HttpTransportError } from "./services.js";

/** Runs processes with node:child_process; a command string goes through the shell. */
export const nodeProcessRunner: ProcessRunner = {
  spawn(spec): RunningProcess {
    const windows = process.platform === "win32";
    const [file, args] = spec.args?.length
      ? [spec.args[0], spec.args.slice(1)]
      : spec.shell
        ? [spec.shell, ["-c", spec.command ?? ""]]
        : windows
          ? ["cmd.exe", ["/d", "/s", "/c", spec.command ?? ""]]
          : ["/bin/sh", ["-c", spec.command ?? ""]];
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => spec.onOutput("stdout", text));
    child.stderr.on("data", (text: string) => spec.onOutput("stderr", text));
    const exit = new Promise<{ code: number | null; signal: string | null; error?: string }>((resolve) => {
      child.once("error", (error) => resolve({ code: null, signal: null, error: error.message }));
      child.once("close", (code, signal) => resolve({ code, signal }));
    });
    return {
      pid: child.pid,
      exit,
      kill: (signal) => {
        child.kill(signal);
      },
    };
  },
};

function classify(error: unknown): HttpTransportError {
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? "";
  const name = (error as Error).name;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new HttpTransportError("unknown-host", String(error));
  if (
    name === "TimeoutError" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "ETIMEDOUT"
  ) {
    return new HttpTransportError("timeout", `request timed out (${code || name})`);
  }
  if (code === "ECONNREFUSED") return new HttpTransportError("refused", `connection refused`);
  return new HttpTransportError("other", `${(error as Error).message}${code ? ` (${code})` : ""}`);
}

/** HTTP through Node's fetch (undici); redirects are not followed, so Location stays visible. */
export const fetchHttpClient: HttpClient = {
  async lookup(hostname) {
    const found = await lookup(hostname.replace(/^\[|\]$/g, ""), { all: true });
    return found.map((a) => a.address);
  },
  async request(req) {
    const signals = [AbortSignal.timeout(req.timeoutMs ?? 20_000)];
    if (req.signal) signals.push(req.signal);
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        redirect: "manual",
        signal: AbortSignal.any(signals),
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return { status: res.status, headers, body: await res.text() };
    } catch (error) {
      throw classify(error);
    }
  },
};

/**
 * Fetches bodies for URL functions (`#fromUrl` ...) with fetch; redirects are not followed (a
 * redirect could lead past the URL restrictions). The connection resolves the name again.
 */
export function fetchUrlFetcher(http: HttpClient = fetchHttpClient, timeoutMs = 30_000): UrlFetcher {
  return {
    resolve: async (hostname) => (http.lookup ? http.lookup(hostname) : []),
    async get(url) {
      try {
        const res = await http.request({ method: "GET", url: url.toString(), headers: {}, timeoutMs });
        if (res.status >= 300) return { ok: false, error: `HTTP ${res.status}` };
        return { ok: true, body: res.body };
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    },
  };
}
