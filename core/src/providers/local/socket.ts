import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import type { LocalRequest, LocalResponse } from "./protocol.js";

// Unix socket paths are limited to about 104-108 bytes depending on the system.
const MAX_SOCKET_PATH = 100;

/** Checks that a socket path fits the system's limit. */
export function socketPathProblem(path: string): string | undefined {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    return `the supervisor's socket path is too long for a Unix socket (${Buffer.byteLength(path)} bytes > ${MAX_SOCKET_PATH}): ${path}; move the repository to a shorter path`;
  }
  return undefined;
}

/**
 * Serves one JSON request per connection on a Unix socket readable and writable by the owner only
 * (mode 0600; the caller should also set umask 077 before so there is no window with wider access).
 */
export function serveSocket(
  path: string,
  handle: (request: LocalRequest) => Promise<unknown>,
): Promise<Server> {
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((socket) => {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      const line = buffer.slice(0, end);
      buffer = "";
      let response: Promise<LocalResponse>;
      try {
        const request = JSON.parse(line) as LocalRequest;
        response = handle(request).then(
          (result): LocalResponse => ({ ok: true, result: result ?? null }),
          (error: unknown): LocalResponse => ({
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      } catch (error) {
        response = Promise.resolve({ ok: false, error: `bad request: ${(error as Error).message}` });
      }
      void response.then((r) => socket.end(`${JSON.stringify(r)}\n`));
    });
    socket.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      chmodSync(path, 0o600);
      resolve(server);
    });
  });
}

/** Why a request could not reach the supervisor. */
export class SupervisorUnreachable extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sends one request to the supervisor's socket and resolves with its response. */
export function sendRequest(
  path: string,
  request: LocalRequest,
  timeoutMs = 120_000,
): Promise<LocalResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let data = "";
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new SupervisorUnreachable(
          "ETIMEDOUT",
          `the local supervisor did not answer '${request.method}' within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      data += chunk;
    });
    socket.on("end", () => {
      clearTimeout(timer);
      answered = true;
      try {
        resolve(JSON.parse(data) as LocalResponse);
      } catch {
        reject(
          new SupervisorUnreachable(
            "EPROTO",
            `the local supervisor sent a bad answer: ${data.slice(0, 200)}`,
          ),
        );
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (answered) return;
      reject(
        new SupervisorUnreachable(
          error.code ?? "EIO",
          `cannot reach the local supervisor at ${path}: ${error.message}`,
        ),
      );
    });
  });
}
