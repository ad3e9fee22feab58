import { type HttpHooks, type RetryPolicy, sendWithRetry } from "./http-retry.js";
import { redactText } from "./redact.js";
import type { BackendIds } from "./results-token.js";

// GitHub's Results service for artifacts of the current run: Twirp (JSON over POST) at
// ACTIONS_RESULTS_URL. Field names are the .proto's (snake_case), int64 values are decimal strings,
// wrapper types (StringValue, Int64Value) are plain JSON values, timestamps RFC 3339 strings.
const SERVICE = "github.actions.results.api.v1.ArtifactService";

/** One artifact of the run, as ListArtifacts describes it. */
export interface ListedArtifact extends BackendIds {
  /** The artifact's database id (int64, kept as its decimal string). */
  id: string;
  name: string;
  size: number;
  createdAt?: string;
  /** `sha256:<hex>` of the uploaded blob, when the uploader gave it. */
  digest?: string;
}

/** The service answered a call with an error (after retries, or one that is not worth retrying). */
export class ResultsServiceError extends Error {
  override name = "ResultsServiceError";
  constructor(
    message: string,
    readonly status: number,
    /** The Twirp error code, e.g. `not_found`, `already_exists`. */
    readonly code?: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function text(value: unknown, field: string, method: string): string {
  if (typeof value !== "string") throw new Error(`${method}: the response has no ${field}`);
  return value;
}

function int64(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return typeof value === "string" && /^-?\d+$/.test(value) ? value : undefined;
}

/** Where the service is and how to authenticate. */
export interface ResultsEndpoint {
  /** ACTIONS_RESULTS_URL; only its origin is used, as GitHub's client does. */
  resultsUrl: string;
  /** ACTIONS_RUNTIME_TOKEN. */
  token: string;
}

/** A small client of the four ArtifactService calls an action needs within its own run. */
export class ResultsClient {
  constructor(
    private readonly endpoint: ResultsEndpoint,
    private readonly policy: RetryPolicy,
    private readonly hooks: HttpHooks = {},
  ) {}

  private async call(method: string, request: Json): Promise<Json> {
    const url = new URL(`/twirp/${SERVICE}/${method}`, new URL(this.endpoint.resultsUrl).origin).href;
    const secrets = [this.endpoint.token];
    const res = await sendWithRetry(
      method,
      url,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.endpoint.token}`,
          "content-type": "application/json",
          accept: "application/json",
          "user-agent": "capstan-action",
        },
        body: JSON.stringify(request),
      },
      this.policy,
      this.hooks,
      secrets,
    ).catch((e: Error & { status?: number }) => {
      throw new ResultsServiceError(e.message, e.status ?? 0);
    });
    let body: Json | undefined;
    try {
      const parsed: unknown = JSON.parse(res.body.toString("utf8"));
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Json;
    } catch {
      body = undefined;
    }
    if (res.status >= 200 && res.status < 300 && body) return body;
    const code = typeof body?.code === "string" ? body.code : undefined;
    const msg = typeof body?.msg === "string" ? body.msg : res.body.toString("utf8").slice(0, 200);
    const hint = msg.includes("insufficient usage")
      ? " (the account's artifact storage quota is used up: no new artifact can be uploaded)"
      : "";
    throw new ResultsServiceError(
      redactText(`${method} failed: HTTP ${res.status}${code ? ` ${code}` : ""}: ${msg}${hint}`, secrets),
      res.status,
      code,
    );
  }

  /** Creates an artifact of this job; returns the signed URL to upload its content to. */
  async createArtifact(ids: BackendIds, name: string, mimeType: string, expiresAt?: Date): Promise<string> {
    const res = await this.call("CreateArtifact", {
      workflow_run_backend_id: ids.workflowRunBackendId,
      workflow_job_run_backend_id: ids.workflowJobRunBackendId,
      name,
      ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}),
      // The artifact format version GitHub's own client (v2+, "v4" actions) creates.
      version: 7,
      mime_type: mimeType,
    });
    if (res.ok !== true) throw new Error(`CreateArtifact: the service did not accept '${name}'`);
    return text(res.signed_upload_url, "signed_upload_url", "CreateArtifact");
  }

  /** Declares the upload complete with its size and `sha256:<hex>` digest; returns the artifact id. */
  async finalizeArtifact(ids: BackendIds, name: string, size: number, digest: string): Promise<string> {
    const res = await this.call("FinalizeArtifact", {
      workflow_run_backend_id: ids.workflowRunBackendId,
      workflow_job_run_backend_id: ids.workflowJobRunBackendId,
      name,
      size: String(size),
      hash: digest,
    });
    const id = int64(res.artifact_id);
    if (res.ok !== true || !id) throw new Error(`FinalizeArtifact: the service did not finalize '${name}'`);
    return id;
  }

  /** The run's artifacts (every attempt's), optionally only those with a name or id. */
  async listArtifacts(
    ids: BackendIds,
    filter: { name?: string; id?: string } = {},
  ): Promise<ListedArtifact[]> {
    const res = await this.call("ListArtifacts", {
      workflow_run_backend_id: ids.workflowRunBackendId,
      workflow_job_run_backend_id: ids.workflowJobRunBackendId,
      ...(filter.name !== undefined ? { name_filter: filter.name } : {}),
      ...(filter.id !== undefined ? { id_filter: filter.id } : {}),
    });
    const list = Array.isArray(res.artifacts) ? (res.artifacts as Json[]) : [];
    return list.map((a) => {
      const id = int64(a.database_id);
      if (!id || typeof a.name !== "string") throw new Error("ListArtifacts: an artifact without id or name");
      return {
        workflowRunBackendId: text(a.workflow_run_backend_id, "workflow_run_backend_id", "ListArtifacts"),
        workflowJobRunBackendId: text(
          a.workflow_job_run_backend_id,
          "workflow_job_run_backend_id",
          "ListArtifacts",
        ),
        id,
        name: a.name,
        size: Number(int64(a.size) ?? 0),
        createdAt: typeof a.created_at === "string" ? a.created_at : undefined,
        digest: typeof a.digest === "string" && a.digest ? a.digest : undefined,
      };
    });
  }

  /** A signed URL to download the artifact (uploaded by the job the ids name). */
  async signedArtifactUrl(ids: BackendIds, name: string): Promise<string> {
    const res = await this.call("GetSignedArtifactURL", {
      workflow_run_backend_id: ids.workflowRunBackendId,
      workflow_job_run_backend_id: ids.workflowJobRunBackendId,
      name,
    });
    return text(res.signed_url, "signed_url", "GetSignedArtifactURL");
  }
}
