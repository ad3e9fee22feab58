import { spawn } from "node:child_process";
import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import type { UrlFetcher, UrlResponse } from "../expr/index.js";
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

/** Options of `fetchUrlFetcher`. */
export interface UrlFetcherOptions {
  /** Resolves a host name (default: the system resolver, every address). */
  resolve?: (hostname: string) => Promise<readonly string[]>;
  /** Per request (default 30 s, Orca's helper timeout). */
  timeoutMs?: number;
  /** Largest body read (default 10 MiB). */
  maxBytes?: number;
}

async function systemResolve(hostname: string): Promise<string[]> {
  const found = await lookup(hostname, { all: true });
  return found.map((a) => a.address);
}

/**
 * Fetches bodies for URL functions (`#fromUrl` ...). The connection goes to the addresses the URL
 * restrictions checked, never to a second DNS answer (DNS rebinding); TLS still verifies the host
 * name. Redirects are not followed (a redirect could lead past the restrictions).
 */
export function fetchUrlFetcher(options: UrlFetcherOptions = {}): UrlFetcher {
  return {
    resolve: options.resolve ?? systemResolve,
    get: (url, addresses) =>
      pinnedGet(url, addresses, options.timeoutMs ?? 30_000, options.maxBytes ?? 10 << 20),
  };
}

/** A GET connecting only to `addresses` (the first that accepts), whatever DNS says now. */
export function pinnedGet(
  url: URL,
  addresses: readonly string[],
  timeoutMs: number,
  maxBytes: number,
): Promise<UrlResponse> {
  const pinned = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  if (pinned.length === 0) return Promise.resolve({ ok: false, error: `${url.hostname} has no address` });
  // Node asks with `all` when it tries several addresses (autoSelectFamily), else for one.
  const pinnedLookup = ((
    _hostname: string,
    opts: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    if (opts?.all) callback(null, pinned);
    else callback(null, pinned[0].address, pinned[0].family);
  }) as unknown as LookupFunction;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = client.get(url, { lookup: pinnedLookup, agent: false, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300) {
        res.resume();
        resolve({ ok: false, error: `HTTP ${status}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          resolve({ ok: false, error: `the body of ${url.href} is larger than ${maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ ok: true, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (error) => resolve({ ok: false, error: error.message }));
    });
    request.on("timeout", () => request.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    request.on("error", (error) => resolve({ ok: false, error: error.message }));
  });
}
