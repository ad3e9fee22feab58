import { spawn } from "node:child_process";
import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import type { UrlFetcher, UrlResponse } from "../expr/index.js";
import type { HttpClient, HttpResponse, ProcessRunner, RunningProcess } from "./services.js";
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

/** Default cap on response bodies, as for URL functions. */
export const MAX_BODY_BYTES = 10 << 20;

const sizeText = (bytes: number) => (bytes % (1 << 20) === 0 ? `${bytes >> 20} MiB` : `${bytes} bytes`);

/** A `lookup` for node:http that answers with `addresses` only, whatever the name. */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const pinned = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  // Node asks with `all` when it tries several addresses (autoSelectFamily), else for one.
  return ((
    _hostname: string,
    opts: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    if (opts?.all) callback(null, pinned);
    else callback(null, pinned[0].address, pinned[0].family);
  }) as unknown as LookupFunction;
}

/**
 * HTTP through node:http(s); redirects are not followed, so Location stays visible. With
 * `addresses` the connection goes only there (TLS still verifies the URL's name); the body is read
 * up to `maxBodyBytes` (10 MiB) and `timeoutMs` (20 s) bounds the whole request, body included.
 */
export const fetchHttpClient: HttpClient = {
  async lookup(hostname) {
    const found = await lookup(hostname.replace(/^\[|\]$/g, ""), { all: true });
    return found.map((a) => a.address);
  },
  request(req) {
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        reject(new HttpTransportError("other", `'${req.url}' is not an absolute URL`));
        return;
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        reject(new HttpTransportError("other", `the scheme ${url.protocol} is not supported`));
        return;
      }
      if (req.addresses && req.addresses.length === 0) {
        reject(new HttpTransportError("unknown-host", `${url.hostname} has no address`));
        return;
      }
      const timeoutMs = req.timeoutMs ?? 20_000;
      const maxBytes = req.maxBodyBytes ?? MAX_BODY_BYTES;
      let settled = false;
      const finish = (error: HttpTransportError | undefined, value?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(value as HttpResponse);
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length"))
        headers["Content-Length"] = String(Buffer.byteLength(req.body));
      const client = url.protocol === "https:" ? https : http;
      const request = client.request(
        url,
        {
          method: req.method,
          headers,
          agent: false,
          ...(req.addresses ? { lookup: pinnedLookup(req.addresses) } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              finish(
                new HttpTransportError(
                  "other",
                  `the response body of ${url.href} is larger than ${sizeText(maxBytes)}; it was not read`,
                ),
              );
              res.destroy();
              request.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [key, value] of Object.entries(res.headers))
              if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
            finish(undefined, {
              status: res.statusCode ?? 0,
              headers: out,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
          res.on("error", (error) => finish(classify(error)));
          res.on("aborted", () => finish(new HttpTransportError("other", "the response was cut off")));
        },
      );
      // The whole request, not socket idleness: a body trickling a byte at a time still ends.
      const timer = setTimeout(() => {
        request.destroy();
        finish(new HttpTransportError("timeout", `request timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = () => {
        request.destroy();
        finish(new HttpTransportError("other", "the request was aborted"));
      };
      if (req.signal?.aborted) onAbort();
      else req.signal?.addEventListener("abort", onAbort, { once: true });
      request.on("error", (error) => finish(classify(error)));
      request.end(req.body);
    });
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
  if (addresses.length === 0) return Promise.resolve({ ok: false, error: `${url.hostname} has no address` });
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: UrlResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const request = client.get(url, { lookup: pinnedLookup(addresses), agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300) {
        res.resume();
        finish({ ok: false, error: `HTTP ${status}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish({ ok: false, error: `the body of ${url.href} is larger than ${maxBytes} bytes` });
          res.destroy();
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => finish({ ok: true, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (error) => finish({ ok: false, error: error.message }));
      res.on("aborted", () => finish({ ok: false, error: "the response was cut off" }));
    });
    // The timeout bounds the whole request, body included, not socket idleness: a body that
    // trickles one byte at a time still ends when the time is up.
    const timer = setTimeout(() => {
      request.destroy();
      finish({ ok: false, error: `request timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    request.on("error", (error) => finish({ ok: false, error: error.message }));
  });
}
