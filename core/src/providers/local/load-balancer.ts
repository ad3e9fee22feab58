import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

/** Where the load balancer may send one request. */
export interface Backend {
  instanceId: string;
  port: number;
}

/** What the load balancer asks its owner: the instances that take traffic now. */
export interface BackendSource {
  backends(cluster: string): Backend[];
  /** In-flight bookkeeping, so a draining instance is stopped only once its requests are done. */
  requestStarted(instanceId: string): void;
  requestEnded(instanceId: string): void;
  /** A connection to the instance was refused: take it out of rotation until its health check passes. */
  connectFailed(instanceId: string): void;
}

// Methods safe to send twice (RFC 9110 idempotent methods).
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
// Requests bodies are buffered so an idempotent request can be retried; larger ones are refused.
const MAX_BODY = 8 * 1024 * 1024;

/**
 * One cluster's HTTP load balancer on 127.0.0.1: round-robin over the backends its source names at
 * the moment each request arrives, so a disabled group stops receiving new requests at once while
 * its in-flight ones complete. An idempotent request that meets a refused (or reset before any
 * answer) connection is retried once on another backend.
 */
export class ClusterLoadBalancer {
  private server: Server | undefined;
  private next = 0;
  // Keep-alive to instances saves a connection per request. A draining instance gets no new
  // requests and closes its idle sockets when it stops; a pooled socket found reset is retried.
  private readonly agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 16 });
  readonly stats = { requests: 0, failed: 0, retried: 0 };

  constructor(
    readonly cluster: string,
    private readonly source: BackendSource,
  ) {}

  /** Listens on the port (0 = any free one); resolves with the port used. */
  listen(port: number): Promise<number> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private pick(exclude?: string): Backend | undefined {
    const all = this.source.backends(this.cluster).filter((b) => b.instanceId !== exclude);
    if (all.length === 0) return undefined;
    this.next = (this.next + 1) % 1_000_000;
    return all[this.next % all.length];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY) {
        this.fail(res, 413, "request body too large for the local load balancer\n");
        return;
      }
      this.forward(req, res, Buffer.concat(chunks), IDEMPOTENT.has(req.method ?? "GET") ? 1 : 0);
    });
  }

  private fail(res: ServerResponse, status: number, text: string): void {
    this.stats.failed++;
    if (!res.headersSent)
      res.writeHead(status, { "content-type": "text/plain", "x-capstan-cluster": this.cluster });
    res.end(text);
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    retries: number,
    exclude?: string,
  ): void {
    const backend = this.pick(exclude);
    if (!backend) {
      this.fail(res, 503, `no healthy instance in an enabled server group of ${this.cluster}\n`);
      return;
    }
    this.source.requestStarted(backend.instanceId);
    let ended = false;
    const end = () => {
      if (!ended) {
        ended = true;
        this.source.requestEnded(backend.instanceId);
      }
    };
    const headers = { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1" };
    delete headers.connection;
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: backend.port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          "x-capstan-instance": backend.instanceId,
        });
        answer.pipe(res);
        answer.on("end", end);
        answer.on("error", () => {
          end();
          res.destroy();
        });
      },
    );
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      end();
      const beforeAnswer = !res.headersSent;
      if (error.code === "ECONNREFUSED") this.source.connectFailed(backend.instanceId);
      if (beforeAnswer && retries > 0 && (error.code === "ECONNREFUSED" || error.code === "ECONNRESET")) {
        this.stats.retried++;
        this.forward(req, res, body, retries - 1, backend.instanceId);
        return;
      }
      if (beforeAnswer)
        this.fail(res, 502, `instance ${backend.instanceId} failed: ${error.code ?? error.message}\n`);
      else res.destroy();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
      end();
    });
    upstream.end(body);
  }
}
