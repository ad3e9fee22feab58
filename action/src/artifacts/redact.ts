// Signed blob-storage URLs carry their credential (the SAS signature) in the query string, and the
// runtime token grants the job's artifact rights: neither may reach a log line or an error message.

const URL_QUERY = /(\bhttps?:\/\/[^\s?#"'<>]+)\?[^\s#"'<>]*/gi;

/** The URL with its query string (and fragment) replaced by `?…`, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return redactText(url);
  }
}

/** The text with every URL's query string removed and each secret (e.g. the runtime token) replaced. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_QUERY, "$1?…");
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join("***");
  return out;
}

/** The `sig` parameter of a signed URL, to hand to the log masker. */
export function urlSignature(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get("sig") ?? undefined;
  } catch {
    return undefined;
  }
}
