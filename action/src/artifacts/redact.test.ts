import { describe, expect, it } from "vitest";
import { redactText, redactUrl, urlSignature } from "./redact.js";

const signed = "https://acct.blob.core.windows.net/c/a%20b.zip?sv=2023-11-03&sp=r&sig=AbC%2B%2Fd%3D";

describe("redaction", () => {
  it("cuts the query string off URLs", () => {
    expect(redactUrl(signed)).toBe("https://acct.blob.core.windows.net/c/a%20b.zip?…");
    expect(redactUrl("http://127.0.0.1:8080/x")).toBe("http://127.0.0.1:8080/x");
    expect(redactText(`GET ${signed} failed; see "${signed}"`)).toBe(
      'GET https://acct.blob.core.windows.net/c/a%20b.zip?… failed; see "https://acct.blob.core.windows.net/c/a%20b.zip?…"',
    );
  });

  it("replaces secrets and finds the signature to mask", () => {
    expect(redactText("Bearer eyJhbGciOi.eyJzY3Ai.c2ln rejected", ["eyJhbGciOi.eyJzY3Ai.c2ln"])).toBe(
      "Bearer *** rejected",
    );
    expect(urlSignature(signed)).toBe("AbC+/d=");
    expect(urlSignature("not a url")).toBeUndefined();
  });
});
