// A double of GitHub's Results artifact service (Twirp, JSON) and of the blob storage behind its signed
// URLs, on 127.0.0.1, for one workflow run. It is not GitHub: it keeps the state those calls need, and
// every request it receives is parsed with, and every response it sends built through, the message
// types generated from GitHub's .proto (artifact-proto.ts). Anything they reject is recorded in
// `problems`, which the tests require to stay empty.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type BlobReply,
  type BlobRoute,
  BlobStorageDouble,
  blobRoute,
  xmlError,
} from "./artifact-blob-storage.js";
import { ARTIFACT_SERVICE, artifactServiceDescription, checkRequest, toResponse } from "./artifact-proto.js";

type Data = Record<string, unknown>;

/** A Twirp method name or a blob operation. */
export type Route =
  | "CreateArtifact"
  | "FinalizeArtifact"
  | "ListArtifacts"
  | "GetSignedArtifactURL"
  | BlobRoute;

/** Makes the next `times` requests of a route fail with `status`, or answer only after `delayMs`. */
export interface Fault {
  route: Route;
  times: number;
  status?: number;
  delayMs?: number;
  /** Error message in the body (a Twirp `msg`, an Azure `<Message>`). */
  message?: string;
}

/** A job of the run as the service knows it: one token per job attempt. */
export interface DoubleJob {
  job: string;
  attempt: number;
  runBackendId: string;
  jobBackendId: string;
  token: string;
  /** The variables a runner gives an action step. */
  env: { ACTIONS_RUNTIME_TOKEN: string; ACTIONS_RESULTS_URL: string };
}

interface ArtifactState {
  id: bigint;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  attempt: number;
  createdAt: Date;
  path: string;
  finalized: boolean;
  size: bigint;
  digest?: string;
}

// Twirp error codes and their HTTP statuses (twitchtv/twirp PROTOCOL.md).
const TWIRP_CODES: Record<number, string> = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  409: "already_exists",
  429: "resource_exhausted",
  500: "internal",
  501: "unimplemented",
  503: "unavailable",
  504: "deadline_exceeded",
};
const INVALID_NAME = /["':<>|*?\r\n\\/]/;

class TwirpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export class ArtifactServiceDouble {
  url = "";
  readonly runBackendId = randomUUID();
  /** Requests the published types rejected, and responses they would not build. */
  readonly problems: string[] = [];
  /** Every Twirp call: method, status, the request and response bodies. */
  readonly calls: { method: string; status: number; request: unknown; response: unknown }[] = [];
  /** How many requests each route received (retries included). */
  readonly counts = new Map<Route, number>();
  readonly faults: Fault[] = [];
  private readonly blobs = new BlobStorageDouble(() => this.url);
  private readonly tokens = new Map<string, DoubleJob>();
  private readonly artifacts: ArtifactState[] = [];
  private nextId = 5_000_000_001n; // above 2^32: ids are int64 on the wire
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.problems.push(`double failed: ${String(e)}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "internal", msg: String(e) }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A job attempt of the run with its runtime token (a JWT whose `scp` names the backend ids). */
  job(job: string, attempt = 1): DoubleJob {
    const jobBackendId = randomUUID();
    const claims = {
      scp: `Actions.ExampleScope Actions.Results:${this.runBackendId}:${jobBackendId}`,
      exp: Math.floor(Date.now() / 1000) + 3600,
    };
    const token = `${base64url({ typ: "JWT", alg: "RS256" })}.${base64url(claims)}.${randomBytes(32).toString("base64url")}`;
    // ACTIONS_RESULTS_URL ends with a slash on runners; clients keep only its origin.
    const env = { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: `${this.url}/` };
    const entry = { job, attempt, runBackendId: this.runBackendId, jobBackendId, token, env };
    this.tokens.set(token, entry);
    return entry;
  }

  /** Finalized artifacts, oldest first. */
  list(): { id: string; name: string; job: string; attempt: number; size: number; digest?: string }[] {
    return this.artifacts
      .filter((a) => a.finalized)
      .map((a) => ({
        id: String(a.id),
        name: a.name,
        job: [...this.tokens.values()].find((t) => t.jobBackendId === a.jobBackendId)?.job ?? "",
        attempt: a.attempt,
        size: Number(a.size),
        digest: a.digest,
      }));
  }

  /** The stored bytes of the newest finalized artifact of that name. */
  content(name: string): Buffer | undefined {
    const a = this.latest(name);
    return a ? this.blobs.get(a.path)?.data : undefined;
  }

  /** Damages the stored bytes of the newest artifact of that name (its recorded digest stays). */
  tamper(name: string): void {
    const a = this.latest(name);
    if (!a) throw new Error(`no artifact ${name}`);
    this.blobs.tamper(a.path);
  }

  private latest(name: string): ArtifactState | undefined {
    return this.artifacts
      .filter((a) => a.finalized && a.name === name)
      .sort((x, y) => Number(y.id - x.id))[0];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", this.url);
    const twirp = url.pathname.startsWith("/twirp/");
    const route = twirp
      ? (url.pathname.split("/").pop() as Route)
      : blobRoute(req.method ?? "", url.searchParams);
    if (route) this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    const fault = this.faults.find((f) => f.route === route && f.times > 0);
    if (fault) {
      fault.times--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status) return this.fail(res, twirp, fault.status, fault.message ?? "injected failure");
    }
    if (twirp) return this.twirp(req, res, url, body);
    const reply: BlobReply = route
      ? this.blobs.handle(req, url, route as BlobRoute, body)
      : xmlError(400, "UnsupportedHttpVerb", "The double serves no such blob operation.");
    res.writeHead(reply.status, reply.headers);
    res.end(req.method === "HEAD" ? undefined : reply.body);
  }

  private fail(res: ServerResponse, twirp: boolean, status: number, message: string): void {
    if (twirp) {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: TWIRP_CODES[status] ?? "unknown", msg: message }));
    } else {
      const code = status === 503 ? "ServerBusy" : status === 403 ? "AuthenticationFailed" : "InternalError";
      res.writeHead(status, { "content-type": "application/xml", "x-ms-error-code": code });
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
    }
  }

  private async twirp(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const [, , service, name] = url.pathname.split("/");
    const method = (await artifactServiceDescription()).methods.find((m) => m.name === name);
    let request: unknown;
    let status = 200;
    let response: Data;
    try {
      if (req.method !== "POST" || service !== ARTIFACT_SERVICE || !method)
        throw new TwirpError(404, `no route ${req.method} ${url.pathname}`);
      const caller = this.tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "");
      if (!caller) throw new TwirpError(401, "a runtime token is required");
      if (!req.headers["content-type"]?.startsWith("application/json"))
        throw new TwirpError(404, `unexpected Content-Type ${req.headers["content-type"]}`);
      try {
        request = JSON.parse(body.toString("utf8"));
      } catch {
        throw new TwirpError(400, "the body is not JSON");
      }
      const checked = checkRequest(method, request);
      if (checked.problem) {
        this.problems.push(`${name} request: ${checked.problem}`);
        throw new TwirpError(400, checked.problem);
      }
      response = this.serve(method.name, checked.message ?? {}, caller);
    } catch (e) {
      if (!(e instanceof TwirpError)) throw e;
      status = e.status;
      response = { code: TWIRP_CODES[status], msg: e.message };
    }
    let out: unknown = response;
    if (status === 200 && method) {
      try {
        out = toResponse(method, response);
      } catch (e) {
        this.problems.push(`${name} response: ${(e as Error).message}`);
        status = 500;
        out = { code: "internal", msg: (e as Error).message };
      }
    }
    this.calls.push({ method: name, status, request, response: out });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(out));
  }

  private serve(method: string, m: Data, caller: DoubleJob): Data {
    if (m.workflow_run_backend_id !== caller.runBackendId)
      throw new TwirpError(403, "the token does not grant access to this workflow run");
    const own = m.workflow_job_run_backend_id === caller.jobBackendId;
    const name = m.name as string;
    switch (method) {
      case "CreateArtifact": {
        if (!own) throw new TwirpError(403, "an artifact can only be created by its own job");
        if (!name || INVALID_NAME.test(name)) throw new TwirpError(400, `invalid artifact name '${name}'`);
        if (typeof m.version !== "number" || m.version < 4)
          throw new TwirpError(400, "unsupported artifact version");
        if (m.expires_at && Date.parse(m.expires_at as string) <= Date.now())
          throw new TwirpError(400, "expires_at is in the past");
        // Names are unique within a run attempt; a re-run attempt may reuse them.
        if (this.artifacts.some((a) => a.name === name && a.attempt === caller.attempt))
          throw new TwirpError(409, `an artifact with this name already exists on the workflow run: ${name}`);
        const id = this.nextId++;
        const path = this.blobs.blobPath(
          "actions-results",
          `${caller.runBackendId}/workflow-job-run-${caller.jobBackendId}/artifacts/${createHash("sha256").update(name).digest("hex")}.zip`,
        );
        this.artifacts.push({
          id,
          name,
          runBackendId: caller.runBackendId,
          jobBackendId: caller.jobBackendId,
          attempt: caller.attempt,
          createdAt: new Date(),
          path,
          finalized: false,
          size: 0n,
        });
        return { ok: true, signed_upload_url: this.blobs.sign(path, "cw", new Date(Date.now() + 3_600_000)) };
      }
      case "FinalizeArtifact": {
        const a = this.artifacts.find(
          (x) => x.name === name && x.jobBackendId === caller.jobBackendId && !x.finalized,
        );
        if (!own || !a) throw new TwirpError(404, `no artifact '${name}' awaiting finalization for this job`);
        const blob = this.blobs.get(a.path);
        if (!blob) throw new TwirpError(400, "nothing was uploaded to the artifact's blob");
        if (BigInt(m.size as string) !== BigInt(blob.data.length))
          throw new TwirpError(400, `size ${m.size} does not match the uploaded ${blob.data.length} bytes`);
        const digest = `sha256:${createHash("sha256").update(blob.data).digest("hex")}`;
        if (m.hash != null && m.hash !== digest)
          throw new TwirpError(400, `hash ${m.hash} does not match ${digest}`);
        Object.assign(a, {
          finalized: true,
          size: BigInt(blob.data.length),
          digest: (m.hash as string | null) ?? undefined,
        });
        this.blobs.revoke(a.path, "cw");
        return { ok: true, artifact_id: String(a.id) };
      }
      case "ListArtifacts": {
        const found = this.artifacts.filter(
          (a) =>
            a.finalized &&
            a.runBackendId === caller.runBackendId &&
            (m.name_filter == null || a.name === m.name_filter) &&
            (m.id_filter == null || String(a.id) === m.id_filter),
        );
        return {
          artifacts: found.map((a) => ({
            workflow_run_backend_id: a.runBackendId,
            workflow_job_run_backend_id: a.jobBackendId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.size),
            created_at: a.createdAt.toISOString(),
            ...(a.digest ? { digest: a.digest } : {}),
          })),
        };
      }
      case "GetSignedArtifactURL": {
        const a = this.artifacts.find(
          (x) => x.finalized && x.name === name && x.jobBackendId === m.workflow_job_run_backend_id,
        );
        if (!a) throw new TwirpError(404, `artifact '${name}' not found for that job`);
        return { signed_url: this.blobs.sign(a.path, "r", new Date(Date.now() + 600_000)) };
      }
      default:
        throw new TwirpError(501, `${method} is not implemented by the double`);
    }
  }
}
