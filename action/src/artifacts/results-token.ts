/** The ids the Results service knows a workflow run and a job (attempt) by. */
export interface BackendIds {
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

/**
 * Reads the backend ids from the runtime token: a JWT whose `scp` claim lists scopes separated by
 * spaces, one of them `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`. The token
 * is only decoded, not verified: the service verifies it.
 */
export function backendIdsFromToken(token: string): BackendIds {
  const invalid = (why: string) => new Error(`ACTIONS_RUNTIME_TOKEN is not a usable runtime token: ${why}`);
  const parts = token.split(".");
  if (parts.length !== 3) throw invalid("not a JWT");
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    throw invalid("unreadable claims");
  }
  const scp = (claims as { scp?: unknown } | null)?.scp;
  if (typeof scp !== "string") throw invalid("no scp claim");
  for (const scope of scp.split(" ")) {
    const fields = scope.split(":");
    if (fields[0] !== "Actions.Results") continue;
    if (fields.length !== 3 || !fields[1] || !fields[2]) throw invalid("malformed Actions.Results scope");
    return { workflowRunBackendId: fields[1], workflowJobRunBackendId: fields[2] };
  }
  throw invalid("no Actions.Results scope");
}
