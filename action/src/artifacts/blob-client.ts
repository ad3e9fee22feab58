import { createHash } from "node:crypto";
import { type HttpHooks, type HttpResponse, type RetryPolicy, sendWithRetry } from "./http-retry.js";
import { redactUrl } from "./redact.js";

// Azure Blob Storage through a signed (SAS) URL the Results service hands out: the URL is the whole
// credential, so it only ever appears in messages with its query string cut off.

/** The storage REST version requested; since 2019-12-12 one Put Blob may carry up to 5000 MiB. */
const STORAGE_VERSION = "2023-11-03";

/** Blob storage refused or failed a request. */
export class BlobStorageError extends Error {
  override name = "BlobStorageError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function failure(what: string, url: string, res: HttpResponse): BlobStorageError {
  // Azure names the error in a header and in an XML body (<Error><Code>…</Code><Message>…</Message>).
  const code =
    res.headers.get("x-ms-error-code") ?? /<Code>([^<]*)<\/Code>/.exec(res.body.toString("utf8"))?.[1];
  return new BlobStorageError(
    `${what} ${redactUrl(url)} failed: HTTP ${res.status}${code ? ` ${code}` : ""}`,
    res.status,
  );
}

async function send(what: string, url: string, init: RequestInit, policy: RetryPolicy, hooks: HttpHooks) {
  try {
    return await sendWithRetry(`${what} ${redactUrl(url)}`, url, init, policy, hooks);
  } catch (e) {
    throw new BlobStorageError((e as Error).message, (e as { status?: number }).status ?? 0);
  }
}

/**
 * Stores `data` as a block blob in one Put Blob request (artifacts here are journals of a few KB; a
 * repeated Put Blob replaces the blob, so a retry after a lost answer is harmless). Storage checks
 * the Content-MD5 against what arrives.
 */
export async function putBlob(
  url: string,
  data: Buffer,
  contentType: string,
  policy: RetryPolicy,
  hooks: HttpHooks = {},
): Promise<void> {
  const res = await send(
    "upload to",
    url,
    {
      method: "PUT",
      headers: {
        "x-ms-blob-type": "BlockBlob",
        "x-ms-version": STORAGE_VERSION,
        "x-ms-blob-content-type": contentType,
        "content-type": contentType,
        "content-md5": createHash("md5").update(data).digest("base64"),
      },
      body: data,
    },
    policy,
    hooks,
  );
  if (res.status !== 201) throw failure("upload to", url, res);
}

/** The blob's content and content type (Get Blob). */
export async function getBlob(
  url: string,
  policy: RetryPolicy,
  hooks: HttpHooks = {},
): Promise<{ data: Buffer; contentType?: string }> {
  // A plain GET, as GitHub's client does: the signed URL carries the storage version it was made for.
  const res = await send("download from", url, { method: "GET" }, policy, hooks);
  if (res.status !== 200) throw failure("download from", url, res);
  return { data: res.body, contentType: res.headers.get("content-type") ?? undefined };
}
