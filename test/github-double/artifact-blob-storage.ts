// The blob-storage half of the artifact double: Azure Block Blob operations behind signed (SAS) URLs,
// as the Results service hands them out. Implemented: Put Blob, Put Block, Put Block List, Get Blob
// and Get Blob Properties (HEAD), each checked the way the storage REST reference describes (required
// headers, block id rules, Content-MD5), with Azure's XML error bodies.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** A grant behind a signed URL: which blob, which operations, until when. */
interface Grant {
  path: string;
  permissions: "cw" | "r";
  expires: Date;
}

interface Blob {
  data: Buffer;
  contentType: string;
  etag: string;
  modified: Date;
}

/** What a blob request was, for fault injection and counting. */
export type BlobRoute = "PutBlob" | "PutBlock" | "PutBlockList" | "GetBlob" | "HeadBlob";

const ACCOUNT = "devstoreaccount1";

/** An answer of the storage double, written by the server (a HEAD answer drops its body). */
export interface BlobReply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** Azure's error form: the code in `x-ms-error-code` and in an XML body. */
export function xmlError(status: number, code: string, message: string): BlobReply {
  return {
    status,
    headers: { "content-type": "application/xml", "x-ms-error-code": code, "x-ms-request-id": requestId() },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

function etag(): string {
  return `"0x${randomBytes(8).toString("hex").toUpperCase()}"`;
}

function requestId(): string {
  return randomBytes(16).toString("hex");
}

/** The route of a blob request (undefined: not a blob operation this double serves). */
export function blobRoute(method: string, query: URLSearchParams): BlobRoute | undefined {
  const comp = query.get("comp");
  if (method === "PUT" && !comp) return "PutBlob";
  if (method === "PUT" && comp === "block") return "PutBlock";
  if (method === "PUT" && comp === "blocklist") return "PutBlockList";
  if (method === "GET" && !comp) return "GetBlob";
  if (method === "HEAD" && !comp) return "HeadBlob";
  return undefined;
}

export class BlobStorageDouble {
  private readonly grants = new Map<string, Grant>();
  private readonly blobs = new Map<string, Blob>();
  private readonly blocks = new Map<string, Map<string, Buffer>>();

  constructor(private readonly baseUrl: () => string) {}

  /** The path of a new blob in the double's account (`/<account>/<container>/<name>`, as Azurite). */
  blobPath(container: string, name: string): string {
    return `/${ACCOUNT}/${container}/${name}`;
  }

  /** A signed URL for the blob, with a fresh signature. */
  sign(path: string, permissions: Grant["permissions"], expires: Date): string {
    // A base64 signature, as Azure's: `+`, `/` and `=` must survive URL encoding.
    const sig = randomBytes(32).toString("base64");
    this.grants.set(sig, { path, permissions, expires });
    const q = new URLSearchParams({
      sv: "2023-11-03",
      sr: "b",
      sp: permissions,
      se: expires.toISOString(),
      sig,
    });
    return `${this.baseUrl()}${path}?${q}`;
  }

  /** Ends every grant on the blob for the given operations (an upload URL after finalize). */
  revoke(path: string, permissions: Grant["permissions"]): void {
    for (const [sig, g] of this.grants)
      if (g.path === path && g.permissions === permissions) this.grants.delete(sig);
  }

  /** The committed blob at the path. */
  get(path: string): Blob | undefined {
    return this.blobs.get(path);
  }

  /** Handles one request (route already known); `body` is the whole request body. */
  handle(req: IncomingMessage, url: URL, route: BlobRoute, body: Buffer): BlobReply {
    const path = decodeURIComponent(url.pathname);
    const grant = this.grants.get(url.searchParams.get("sig") ?? "");
    const write = route.startsWith("Put");
    if (!grant || grant.path !== path || grant.expires.getTime() < Date.now())
      return xmlError(403, "AuthenticationFailed", "Server failed to authenticate the request.");
    if (write ? grant.permissions !== "cw" : grant.permissions !== "r")
      return xmlError(403, "AuthorizationPermissionMismatch", "This request is not authorized.");

    if (route === "GetBlob" || route === "HeadBlob") {
      const blob = this.blobs.get(path);
      if (!blob) return xmlError(404, "BlobNotFound", "The specified blob does not exist.");
      return {
        status: 200,
        headers: {
          "content-type": blob.contentType,
          "content-length": String(blob.data.length),
          etag: blob.etag,
          "last-modified": blob.modified.toUTCString(),
          "x-ms-blob-type": "BlockBlob",
          "accept-ranges": "bytes",
          "x-ms-request-id": requestId(),
          "x-ms-version": "2023-11-03",
        },
        body: blob.data,
      };
    }

    const md5 = req.headers["content-md5"];
    const digest = createHash("md5").update(body).digest("base64");
    if (route !== "PutBlockList" && typeof md5 === "string" && md5 !== digest)
      return xmlError(400, "Md5Mismatch", "The MD5 value specified in the request did not match.");
    const contentType = (h: string | string[] | undefined) => (typeof h === "string" ? h : undefined);

    if (route === "PutBlob") {
      if (req.headers["x-ms-blob-type"] !== "BlockBlob")
        return xmlError(400, "MissingRequiredHeader", "x-ms-blob-type must be BlockBlob.");
      const type =
        contentType(req.headers["x-ms-blob-content-type"]) ??
        contentType(req.headers["content-type"]) ??
        "application/octet-stream";
      this.commit(path, body, type);
      this.blocks.delete(path);
      return this.created({ "content-md5": digest });
    }

    if (route === "PutBlock") {
      const id = url.searchParams.get("blockid") ?? "";
      const raw = Buffer.from(id, "base64");
      if (!id || raw.length === 0 || raw.length > 64 || raw.toString("base64") !== id)
        return xmlError(400, "InvalidQueryParameterValue", "blockid must be base64 of at most 64 bytes.");
      const staged = this.blocks.get(path) ?? new Map<string, Buffer>();
      // Storage requires every block id of a blob to have the same length.
      const other = staged.keys().next().value;
      if (other !== undefined && other.length !== id.length)
        return xmlError(400, "InvalidBlobOrBlock", "Block ids of a blob must have the same length.");
      staged.set(id, body);
      this.blocks.set(path, staged);
      return this.created({ "content-md5": digest });
    }

    // Put Block List: <BlockList><Latest|Uncommitted|Committed>id</…>…</BlockList>
    const xml = body.toString("utf8");
    if (!/<BlockList>[\s\S]*<\/BlockList>/.test(xml))
      return xmlError(400, "InvalidXmlDocument", "Not a block list.");
    const staged = this.blocks.get(path) ?? new Map<string, Buffer>();
    const parts: Buffer[] = [];
    for (const [, kind, id] of xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)) {
      const block = kind === "Committed" ? undefined : staged.get(id);
      if (!block)
        return xmlError(400, "InvalidBlockList", `The block list names an unknown block (${kind}).`);
      parts.push(block);
    }
    const type = contentType(req.headers["x-ms-blob-content-type"]) ?? "application/octet-stream";
    this.commit(path, Buffer.concat(parts), type);
    this.blocks.delete(path);
    return this.created({});
  }

  /** Flips one byte of a committed blob (a damaged download, for digest checks). */
  tamper(path: string): void {
    const blob = this.blobs.get(path);
    if (!blob) throw new Error(`no blob at ${path}`);
    blob.data[Math.floor(blob.data.length / 2)] ^= 0xff;
  }

  private commit(path: string, data: Buffer, contentType: string): void {
    this.blobs.set(path, { data, contentType, etag: etag(), modified: new Date() });
  }

  private created(headers: Record<string, string>): BlobReply {
    return {
      status: 201,
      headers: {
        ...headers,
        etag: etag(),
        "last-modified": new Date().toUTCString(),
        "x-ms-request-id": requestId(),
        "x-ms-version": "2023-11-03",
        "x-ms-request-server-encrypted": "true",
      },
    };
  }
}
