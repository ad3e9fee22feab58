import { describe, expect, it } from "vitest";
import { backendIdsFromToken } from "./results-token.js";

const jwt = (claims: unknown) =>
  `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("backendIdsFromToken", () => {
  it("reads the run and job ids from the Actions.Results scope", () => {
    const token = jwt({
      scp: "Actions.GenericRead:x Actions.Results:run-1:job-2 Actions.UploadArtifacts:a:b",
    });
    expect(backendIdsFromToken(token)).toEqual({
      workflowRunBackendId: "run-1",
      workflowJobRunBackendId: "job-2",
    });
  });

  it("says what is wrong without echoing the token", () => {
    const cases: [string, RegExp][] = [
      ["not-a-jwt-secret-value", /not a JWT/],
      ["a.%%%.c", /unreadable claims/],
      [jwt({ sub: "x" }), /no scp claim/],
      [jwt({ scp: "Actions.GenericRead:x" }), /no Actions.Results scope/],
      [jwt({ scp: "Actions.Results:only-run" }), /malformed/],
    ];
    for (const [token, message] of cases) {
      expect(() => backendIdsFromToken(token)).toThrow(message);
      try {
        backendIdsFromToken(token);
      } catch (e) {
        expect((e as Error).message).not.toContain(token);
      }
    }
  });
});
