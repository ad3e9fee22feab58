// The HTTP face of the double: the paths, verbs, query parameters and media types kubectl uses
// (discovery, /version, /openapi/v3, CRUD, PATCH kinds, watch streams, Table printing, pod logs),
// and the request transcript.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import {
  type Api,
  ApiError,
  type DeleteOptions,
  failure,
  PATCH_TYPES,
  type StatusObject,
  type WriteOptions,
} from "./api.js";
import {
  aggregated,
  aggregatedType,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openapiHashes,
  openapiIndex,
} from "./discovery.js";
import { OPENAPI_V2_PROTOBUF, openapiV2Protobuf } from "./openapi-v2.js";
import { jsonPatch, mergePatch } from "./patch.js";
import { groupVersion, RESOURCES, type ResourceType, resourceFor } from "./resources.js";
import { documents } from "./schema.js";
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import type { StoreEvent } from "./store.js";
import { type IncludeObject, table, wantsTable } from "./tables.js";
import type { KObject } from "./types.js";

export interface TranscriptEntry {
  time: string;
  method: string;
  path: string;
  userAgent?: string;
  accept?: string;
  contentType?: string;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container?: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  timestamps: boolean;
  limitBytes?: number;
  sinceSeconds?: number;
}

/** What the server needs from the rest of the double. */
export interface ServerDeps {
  api: Api;
  version: { major: string; minor: string; gitVersion: string };
  /** Streams a pod's log to the response (404/400 as ApiError). */
  logs(req: LogRequest, res: ServerResponse): Promise<void>;
  /** Extra, non-Kubernetes endpoints under /kube-double/ (service proxies for tests). */
  side(path: string): unknown | undefined;
  transcript?: (e: TranscriptEntry) => void;
  /** Advertise no server-side field validation, so kubectl validates against the schema itself. */
  clientSideValidation?: boolean;
}

const JSON_TYPE = "application/json";
const TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io";

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = JSON_TYPE,
  warnings: string[] = [],
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    "content-type": contentType,
    "cache-control": "no-cache, private",
    "content-length": String(Buffer.byteLength(text)),
  };
  if (warnings.length) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

function sendError(res: ServerResponse, e: ApiError): void {
  send(res, e.status.code, e.status);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === "") return undefined;
  const type = (contentType ?? "").split(";")[0].trim();
  try {
    if (type === "application/yaml" || type === "application/apply-patch+yaml") return parseYaml(text);
    return JSON.parse(text);
  } catch (e) {
    throw failure(400, "BadRequest", `error decoding request body: ${(e as Error).message}`);
  }
}

interface Route {
  r: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

function route(segments: string[]): Route | undefined {
  let group = "";
  let version: string;
  let rest: string[];
  if (segments[0] === "api") {
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === "apis") {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else return undefined;
  if (!version || rest.length === 0) return undefined;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3 && resourceFor(group, version, rest[2])?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const r = resourceFor(group, version, rest[0]);
  if (!r) return undefined;
  if (rest.length > 3) return undefined;
  return { r, namespace, name: rest[1], sub: rest[2] };
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === "true" || v === "1";
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const fv = q.get("fieldValidation");
  let fieldValidation: WriteOptions["fieldValidation"] = "Warn";
  if (fv === "Strict" || fv === "Ignore" || fv === "Warn") fieldValidation = fv;
  else if (fv)
    throw failure(400, "BadRequest", `fieldValidation must be one of Ignore, Warn or Strict, got ${fv}`);
  return {
    fieldManager: q.get("fieldManager") ?? undefined,
    dryRun: q.getAll("dryRun").includes("All"),
    fieldValidation,
    force: boolParam(q, "force"),
  };
}

export class KubeServer {
  private server: Server | undefined;
  private readonly watches = new Set<ServerResponse>();
  port = 0;
  private served: Map<string, { text: string; hash: string }> | undefined;

  constructor(private readonly deps: ServerDeps) {}

  listen(port = 0): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const a = server.address();
        this.port = typeof a === "object" && a ? a.port : port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    for (const w of this.watches) w.end();
    this.watches.clear();
    const s = this.server;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** The documents as served (the published ones, or without fieldValidation when asked). */
  private openapi(): Map<string, { text: string; hash: string }> {
    if (!this.served) {
      this.served = new Map();
      for (const [path, d] of documents()) {
        if (!this.deps.clientSideValidation) {
          this.served.set(path, { text: d.text, hash: openapiHashes().get(path) ?? "" });
          continue;
        }
        const doc = JSON.parse(d.text) as {
          paths: Record<string, Record<string, { parameters?: { name?: string }[] }>>;
        };
        for (const item of Object.values(doc.paths))
          for (const op of Object.values(item))
            if (op && typeof op === "object" && Array.isArray(op.parameters))
              op.parameters = op.parameters.filter((p) => p.name !== "fieldValidation");
        const text = JSON.stringify(doc);
        this.served.set(path, { text, hash: `${openapiHashes().get(path)?.slice(0, 100)}CLIENTSIDE` });
      }
    }
    return this.served;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    let text = "";
    let requestBody: unknown;
    const record = this.deps.transcript;
    if (record) {
      const origWriteHead = res.writeHead.bind(res);
      let captured: unknown;
      const origEnd = res.end.bind(res);
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk === "string" && !url.pathname.startsWith("/openapi/")) {
          try {
            captured = JSON.parse(chunk);
          } catch {
            captured = chunk;
          }
        }
        return (origEnd as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
      }) as typeof res.end;
      res.writeHead = ((code: number, ...rest: unknown[]) => {
        return (origWriteHead as (...a: unknown[]) => ServerResponse)(code, ...rest);
      }) as typeof res.writeHead;
      res.on("close", () =>
        record({
          time: new Date().toISOString(),
          method,
          path: `${url.pathname}${url.search}`,
          userAgent: req.headers["user-agent"],
          accept: req.headers.accept,
          contentType: req.headers["content-type"],
          requestBody,
          status: res.statusCode,
          responseBody: captured,
        }),
      );
    }
    try {
      text = await readBody(req);
      requestBody = text ? safeParse(text) : undefined;
      if (typeof requestBody === "string" && /protobuf|cbor/.test(req.headers["content-type"] ?? ""))
        requestBody = "<binary>";
      await this.dispatch(req, res, url, method, text);
    } catch (e) {
      if (e instanceof ApiError) sendError(res, e);
      else {
        const status: StatusObject = {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `Internal error occurred: ${(e as Error).message}`,
          reason: "InternalError",
          code: 500,
        };
        if (!res.headersSent) send(res, 500, status);
        else res.end();
      }
    }
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    text: string,
  ): Promise<void> {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const q = url.searchParams;
    const accept = req.headers.accept;
    const segments = path.split("/").filter(Boolean);
    if (path === "/version") return send(res, 200, this.versionInfo());
    if (path === "/healthz" || path === "/readyz" || path === "/livez")
      return send(res, 200, "ok", "text/plain");
    if (path.startsWith("/kube-double/")) {
      const out = this.deps.side(path.slice("/kube-double/".length));
      if (out === undefined)
        throw failure(404, "NotFound", "the server could not find the requested resource");
      return send(res, 200, out);
    }
    if (path === "/openapi/v2" && this.deps.clientSideValidation) {
      const body = openapiV2Protobuf();
      res.writeHead(200, { "content-type": OPENAPI_V2_PROTOBUF, "content-length": String(body.length) });
      res.end(body);
      return;
    }
    if (path === "/openapi/v3")
      return send(
        res,
        200,
        openapiIndex((p) => this.openapi().get(p)?.hash),
      );
    if (path.startsWith("/openapi/v3/")) {
      const doc = this.openapi().get(path.slice("/openapi/v3/".length));
      if (!doc) throw failure(404, "NotFound", "the server could not find the requested resource");
      const headers = {
        "content-type": JSON_TYPE,
        etag: `"${doc.hash}"`,
        "cache-control": q.get("hash") === doc.hash ? "public, immutable" : "no-cache, private",
        "content-length": String(Buffer.byteLength(doc.text)),
      };
      res.writeHead(200, headers);
      res.end(doc.text);
      return;
    }
    if (path === "/api") {
      const agg = aggregatedType(accept);
      if (agg) return send(res, 200, aggregated(true, agg), agg);
      return send(res, 200, apiVersions(`127.0.0.1:${this.port}`));
    }
    if (path === "/apis") {
      const agg = aggregatedType(accept);
      if (agg) return send(res, 200, aggregated(false, agg), agg);
      return send(res, 200, apiGroupList());
    }
    if (segments[0] === "apis" && segments.length === 2) {
      const g = apiGroup(segments[1]);
      if (g) return send(res, 200, g);
    }
    if (
      (segments[0] === "api" && segments.length === 2) ||
      (segments[0] === "apis" && segments.length === 3)
    ) {
      const list =
        segments[0] === "api" ? apiResourceList("", segments[1]) : apiResourceList(segments[1], segments[2]);
      if (list) return send(res, 200, list);
    }
    const rt = route(segments);
    if (!rt) throw failure(404, "NotFound", "the server could not find the requested resource");
    // Protobuf and CBOR are not spoken: 415 makes client-go fall back to JSON, as with a server
    // that does not support them.
    const bodyType = (req.headers["content-type"] ?? "").split(";")[0].trim();
    if (text && (bodyType === "application/vnd.kubernetes.protobuf" || bodyType === "application/cbor"))
      throw failure(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      );
    if (accept && !/application\/json|\*\/\*|application\/yaml/.test(accept))
      throw failure(
        406,
        "NotAcceptable",
        `only the following media types are accepted: application/json, application/yaml`,
      );
    return this.resource(req, res, rt, method, q, text);
  }

  versionInfo(): unknown {
    const v = this.deps.version;
    return {
      major: v.major,
      minor: v.minor,
      emulationMajor: v.major,
      emulationMinor: v.minor,
      minCompatibilityMajor: v.major,
      minCompatibilityMinor: String(Number(v.minor) - 1),
      gitVersion: v.gitVersion,
      gitCommit: "0000000000000000000000000000000000000000",
      gitTreeState: "clean",
      buildDate: "2025-12-17T00:00:00Z",
      goVersion: "go1.25.5",
      compiler: "gc",
      platform: "linux/amd64",
    };
  }

  private async resource(
    req: IncomingMessage,
    res: ServerResponse,
    rt: Route,
    method: string,
    q: URLSearchParams,
    text: string,
  ): Promise<void> {
    const { r, namespace, name, sub } = rt;
    const api = this.deps.api;
    const accept = req.headers.accept;
    const warnings: string[] =
      r.kind === "Endpoints"
        ? ["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"]
        : [];
    if (r.namespaced && name !== undefined && namespace === undefined && !(r.kind === "Namespace"))
      throw failure(404, "NotFound", "the server could not find the requested resource");
    if (sub && !r.subresources.some((s) => s.name === sub))
      throw failure(404, "NotFound", "the server could not find the requested resource");
    const contentType = req.headers["content-type"];
    const include = (q.get("includeObject") as IncludeObject | null) ?? "Metadata";
    if (name === undefined) {
      if (method === "GET" && boolParam(q, "watch")) return this.watch(req, res, r, namespace, q);
      if (method === "GET") {
        const { items, resourceVersion } = api.list(
          r,
          namespace,
          q.get("labelSelector"),
          q.get("fieldSelector"),
        );
        const { page, next } = paginate(items, q.get("limit"), q.get("continue"));
        if (wantsTable(accept))
          return send(res, 200, table(r.kind, page, resourceVersion, include, next), TABLE_TYPE, warnings);
        const metadata: Record<string, unknown> = { resourceVersion };
        if (next) metadata.continue = next;
        return send(
          res,
          200,
          { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata, items: page },
          JSON_TYPE,
          warnings,
        );
      }
      if (method === "POST") {
        const out = api.create(r, namespace, parseBody(text, contentType), writeOptions(q));
        return send(res, out.code, out.object, JSON_TYPE, [...warnings, ...out.warnings]);
      }
      if (method === "DELETE") {
        const { items, resourceVersion } = api.list(
          r,
          namespace,
          q.get("labelSelector"),
          q.get("fieldSelector"),
        );
        const opts = deleteOptions(q, parseBody(text, contentType));
        const deleted: unknown[] = [];
        for (const o of items)
          deleted.push(api.delete(r, o.metadata.namespace, o.metadata.name ?? "", opts).body);
        return send(res, 200, {
          kind: `${r.kind}List`,
          apiVersion: groupVersion(r),
          metadata: { resourceVersion },
          items: deleted,
        });
      }
      throw failure(
        405,
        "MethodNotAllowed",
        `the server does not allow this method on the requested resource`,
      );
    }
    if (sub === "log") {
      if (method !== "GET")
        throw failure(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
        );
      const num = (k: string) => (q.get(k) !== null ? Number(q.get(k)) : undefined);
      return this.deps.logs(
        {
          namespace: namespace ?? "default",
          pod: name,
          container: q.get("container") ?? undefined,
          follow: boolParam(q, "follow"),
          previous: boolParam(q, "previous"),
          tailLines: num("tailLines"),
          timestamps: boolParam(q, "timestamps"),
          limitBytes: num("limitBytes"),
          sinceSeconds: num("sinceSeconds"),
        },
        res,
      );
    }
    if (sub === "scale") {
      if (method === "GET") return send(res, 200, api.scale(r, namespace, name));
      const current = api.scale(r, namespace, name);
      let scale: KObject;
      if (method === "PUT") scale = parseBody(text, contentType) as KObject;
      else if (method === "PATCH") {
        const type = PATCH_TYPES[(contentType ?? "").split(";")[0].trim()];
        if (!type || type === "apply")
          throw failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format`);
        const body = parseBody(text, contentType);
        scale = (type === "json" ? jsonPatch(current, body) : mergePatch(current, body)) as KObject;
      } else
        throw failure(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
        );
      const out = api.writeScale(r, namespace, name, scale, writeOptions(q));
      return send(res, out.code, out.object);
    }
    const subresource = sub === "status" ? "status" : undefined;
    switch (method) {
      case "GET": {
        const o = api.get(r, namespace, name);
        if (wantsTable(accept))
          return send(
            res,
            200,
            table(r.kind, [o], o.metadata.resourceVersion ?? "", include),
            TABLE_TYPE,
            warnings,
          );
        return send(res, 200, o, JSON_TYPE, warnings);
      }
      case "PUT": {
        const out = api.update(
          r,
          namespace,
          name,
          parseBody(text, contentType),
          writeOptions(q),
          subresource,
        );
        return send(res, out.code, out.object, JSON_TYPE, [...warnings, ...out.warnings]);
      }
      case "PATCH": {
        const type = PATCH_TYPES[(contentType ?? "").split(";")[0].trim()];
        if (!type)
          throw failure(
            415,
            "UnsupportedMediaType",
            `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(", ")}`,
          );
        const out = api.patch(
          r,
          namespace,
          name,
          type,
          parseBody(text, contentType),
          writeOptions(q),
          subresource,
        );
        return send(res, out.code, out.object, JSON_TYPE, [...warnings, ...out.warnings]);
      }
      case "DELETE": {
        const out = api.delete(r, namespace, name, deleteOptions(q, parseBody(text, contentType)));
        return send(res, out.code, out.body, JSON_TYPE, warnings);
      }
      default:
        throw failure(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
        );
    }
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceType,
    namespace: string | undefined,
    q: URLSearchParams,
  ): void {
    const api = this.deps.api;
    const store = api.store;
    const labels = api.selector(() => parseLabelSelector(q.get("labelSelector")));
    const fields = api.selector(() => parseFieldSelector(q.get("fieldSelector"), r.kind));
    const ns = r.namespaced ? namespace : undefined;
    const matches = (o: KObject | undefined) =>
      !!o &&
      (ns === undefined || o.metadata.namespace === ns) &&
      matchesRequirements(o.metadata.labels, labels) &&
      matchesFields(o, fields);
    const asTable = wantsTable(req.headers.accept);
    const include = (q.get("includeObject") as IncludeObject | null) ?? "Metadata";
    const rvParam = q.get("resourceVersion") ?? "";
    const initial = boolParam(q, "sendInitialEvents");
    const wantBookmarks = boolParam(q, "allowWatchBookmarks");
    let backlog: StoreEvent[] | undefined = [];
    const startRv = store.resourceVersion;
    if (rvParam !== "" && rvParam !== "0" && !initial) {
      const since = Number(rvParam);
      backlog = Number.isFinite(since) ? store.eventsSince(since) : undefined;
    }
    res.writeHead(200, {
      "content-type": asTable ? TABLE_TYPE : JSON_TYPE,
      "cache-control": "no-cache, private",
      "transfer-encoding": "chunked",
    });
    res.flushHeaders();
    const write = (type: string, obj: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object: obj })}\n`);
    };
    const emit = (type: string, obj: KObject) =>
      write(type, asTable ? table(r.kind, [obj], obj.metadata.resourceVersion ?? "", include) : obj);
    if (backlog === undefined) {
      write("ERROR", {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `too old resource version: ${rvParam} (${store.oldestResumable})`,
        reason: "Expired",
        code: 410,
      });
      res.end();
      return;
    }
    const translate = (e: StoreEvent) => {
      if (e.resource !== r) return;
      const was = matches(e.previous);
      const is = e.type !== "DELETED" && matches(e.object);
      if (e.type === "DELETED") {
        if (was || matches(e.object)) emit("DELETED", e.object);
      } else if (is && was) emit("MODIFIED", e.object);
      else if (is) emit("ADDED", e.object);
      else if (was) emit("DELETED", e.object);
    };
    if (rvParam === "" || rvParam === "0" || initial) {
      for (const o of store.list(r, ns)) if (matches(o)) emit("ADDED", o);
      if (initial)
        write("BOOKMARK", {
          kind: r.kind,
          apiVersion: groupVersion(r),
          metadata: {
            resourceVersion: String(startRv),
            annotations: { "k8s.io/initial-events-end": "true" },
          },
        });
    } else for (const e of backlog) translate(e);
    const unsubscribe = store.subscribe(translate);
    this.watches.add(res);
    const timers: NodeJS.Timeout[] = [];
    if (wantBookmarks)
      timers.push(
        setInterval(
          () =>
            write("BOOKMARK", {
              kind: r.kind,
              apiVersion: groupVersion(r),
              metadata: { resourceVersion: String(store.resourceVersion) },
            }),
          1000,
        ),
      );
    const timeout = Number(q.get("timeoutSeconds") ?? "0");
    const stop = () => {
      unsubscribe();
      for (const t of timers) clearInterval(t);
      this.watches.delete(res);
      if (!res.writableEnded) res.end();
    };
    if (timeout > 0) timers.push(setTimeout(stop, timeout * 1000));
    req.on("close", stop);
    res.on("close", stop);
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch {
      return text;
    }
  }
}

function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (body && typeof body === "object" ? body : {}) as DeleteOptions & { kind?: string };
  const opts: DeleteOptions = { ...b };
  const pp = q.get("propagationPolicy");
  if (pp === "Foreground" || pp === "Background" || pp === "Orphan") opts.propagationPolicy = pp;
  if (q.get("gracePeriodSeconds") !== null) opts.gracePeriodSeconds = Number(q.get("gracePeriodSeconds"));
  if (q.get("orphanDependents") !== null) opts.orphanDependents = q.get("orphanDependents") === "true";
  if (
    q.getAll("dryRun").includes("All") ||
    (Array.isArray((b as { dryRun?: unknown }).dryRun) &&
      ((b as { dryRun?: string[] }).dryRun ?? []).includes("All"))
  )
    opts.dryRun = true;
  else opts.dryRun = false;
  if (opts.propagationPolicy && !["Foreground", "Background", "Orphan"].includes(opts.propagationPolicy))
    throw failure(
      422,
      "Invalid",
      `propagationPolicy: Unsupported value: ${JSON.stringify(opts.propagationPolicy)}`,
    );
  return opts;
}

function paginate(
  items: KObject[],
  limit: string | null,
  cont: string | null,
): { page: KObject[]; next?: string } {
  let start = 0;
  if (cont) {
    try {
      start = (JSON.parse(Buffer.from(cont, "base64").toString("utf8")) as { start: number }).start;
    } catch {
      throw failure(400, "BadRequest", "continue key is not valid");
    }
  }
  const n = limit ? Number(limit) : 0;
  if (!n || n <= 0) return { page: items.slice(start) };
  const page = items.slice(start, start + n);
  const next =
    start + n < items.length
      ? Buffer.from(JSON.stringify({ start: start + n })).toString("base64")
      : undefined;
  return { page, next };
}

export { RESOURCES };
