// The artifact service double refuses what GitHub's service would: requests the proto-generated types
// reject or that are not in the form a generated client sends, calls without a runtime token or for
// another run, and blob requests outside what a signed URL grants. Otherwise the double's own checks
// could not be trusted to catch a client's mistakes.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_SERVICE } from "./artifact-proto.js";
import { ArtifactServiceDouble, type DoubleJob } from "./artifact-service.js";

let double: ArtifactServiceDouble;
let job: DoubleJob;
beforeAll(async () => {
  double = new ArtifactServiceDouble();
  await double.start();
  job = double.job("run");
});
afterAll(() => double.stop());

async function call(method: string, body: unknown, token = job.token) {
  const res = await fetch(`${double.url}/twirp/${ARTIFACT_SERVICE}/${method}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ids = () => ({
  workflow_run_backend_id: job.runBackendId,
  workflow_job_run_backend_id: job.jobBackendId,
});

describe("the artifact service double", () => {
  it("rejects requests the generated types reject, or in a form generated clients never send", async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...ids(), name: "a", version: 7, mime: "x" }, /unknown field.*mime/],
      [{ ...ids(), name: 5, version: 7 }, /Cannot parse JSON 5 .*#name/],
      [{ ...ids(), name: "a", version: 7, expires_at: "tomorrow" }, /Timestamp/],
      [{ workflowRunBackendId: job.runBackendId, name: "a", version: 7 }, /not in canonical JSON form/],
      [{ ...ids(), name: "a", version: 7, mime_type: { value: "application/zip" } }, /StringValue/],
    ];
    for (const [body, problem] of cases) {
      const before = double.problems.length;
      const res = await call("CreateArtifact", body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_argument");
      expect(double.problems.slice(before).join("\n")).toMatch(problem);
    }
    double.problems.length = 0;
  });

  it("answers in Twirp's error form: routes, tokens, other runs, duplicates, missing artifacts", async () => {
    expect((await call("Nope", {})).status).toBe(404);
    expect(await call("ListArtifacts", ids(), "not-a-token")).toMatchObject({
      status: 401,
      body: { code: "unauthenticated" },
    });
    expect(await call("ListArtifacts", { ...ids(), workflow_run_backend_id: "other-run" })).toMatchObject({
      status: 403,
      body: { code: "permission_denied" },
    });
    expect(await call("CreateArtifact", { ...ids(), name: "a/b", version: 7 })).toMatchObject({
      status: 400,
    });
    expect(await call("CreateArtifact", { ...ids(), name: "dup", version: 7 })).toMatchObject({
      status: 200,
    });
    expect(await call("CreateArtifact", { ...ids(), name: "dup", version: 7 })).toMatchObject({
      status: 409,
      body: { code: "already_exists" },
    });
    // Nothing uploaded yet (size 0 is the default, so a generated client leaves it out).
    expect(await call("FinalizeArtifact", { ...ids(), name: "dup" })).toMatchObject({ status: 400 });
    expect(await call("GetSignedArtifactURL", { ...ids(), name: "missing" })).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
    expect(await call("ListArtifacts", ids())).toEqual({ status: 200, body: { artifacts: [] } });
    expect(double.problems).toEqual([]);
  });

  it("serves blobs only as the signed URL grants, and checks Put Blob, Put Block and Put Block List", async () => {
    const created = await call("CreateArtifact", { ...ids(), name: "blob-rules", version: 7 });
    const upload = created.body.signed_upload_url as string;
    const put = (url: string, body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: "PUT", body, headers: { "x-ms-blob-type": "BlockBlob", ...headers } });
    const unsigned = upload.replace(/sig=[^&]+/, "sig=forged");
    expect((await put(unsigned, "x")).headers.get("x-ms-error-code")).toBe("AuthenticationFailed");
    expect((await fetch(upload)).headers.get("x-ms-error-code")).toBe("AuthorizationPermissionMismatch");
    expect((await fetch(upload, { method: "PUT", body: "x" })).status).toBe(400); // no x-ms-blob-type
    expect(
      (await put(upload, "abc", { "content-md5": "AAAAAAAAAAAAAAAAAAAAAA==" })).headers.get(
        "x-ms-error-code",
      ),
    ).toBe("Md5Mismatch");
    const block = (id: string, body: string) =>
      fetch(`${upload}&comp=block&blockid=${encodeURIComponent(id)}`, { method: "PUT", body });
    const a = Buffer.from("block-0").toString("base64");
    expect((await block(a, "hello ")).status).toBe(201);
    expect((await block(Buffer.from("b-1").toString("base64"), "x")).status).toBe(400); // ids of unequal length
    expect((await block(Buffer.from("block-1").toString("base64"), "world")).status).toBe(201);
    const list = (ids: string[]) =>
      fetch(`${upload}&comp=blocklist`, {
        method: "PUT",
        headers: { "x-ms-blob-content-type": "application/zip" },
        body: `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((i) => `<Latest>${i}</Latest>`).join("")}</BlockList>`,
      });
    expect((await list([Buffer.from("block-9").toString("base64")])).status).toBe(400);
    expect((await list([a, Buffer.from("block-1").toString("base64")])).status).toBe(201);
    const hash = `sha256:${createHash("sha256").update("hello world").digest("hex")}`;
    expect(
      await call("FinalizeArtifact", { ...ids(), name: "blob-rules", size: "11", hash: "sha256:00" }),
    ).toMatchObject({ status: 400 });
    expect(await call("FinalizeArtifact", { ...ids(), name: "blob-rules", size: "11", hash })).toMatchObject({
      status: 200,
    });
    expect((await put(upload, "late")).status).toBe(403); // the upload grant ends at finalize
    const signed = await call("GetSignedArtifactURL", { ...ids(), name: "blob-rules" });
    const got = await fetch(signed.body.signed_url as string);
    expect(got.headers.get("content-type")).toBe("application/zip");
    expect(await got.text()).toBe("hello world");
    expect(double.problems).toEqual([]);
  });
});
