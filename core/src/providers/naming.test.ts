import { describe, expect, it } from "vitest";
import { checkClusterParts, clusterName, nextServerGroupName, parseName, serverGroupName } from "./naming.js";

describe("Frigga naming", () => {
  it("builds cluster names with and without stack and detail", () => {
    expect(clusterName("myapp")).toBe("myapp");
    expect(clusterName("myapp", "prod")).toBe("myapp-prod");
    expect(clusterName("myapp", undefined, "canary")).toBe("myapp--canary");
    expect(clusterName("myapp", "prod", "canary-east")).toBe("myapp-prod-canary-east");
    expect(serverGroupName("myapp-prod", 7)).toBe("myapp-prod-v007");
  });

  it("parses server group names", () => {
    expect(parseName("myapp-prod-v001")).toEqual({
      app: "myapp",
      stack: "prod",
      cluster: "myapp-prod",
      sequence: 1,
    });
    expect(parseName("myapp--canary-v010")).toEqual({
      app: "myapp",
      detail: "canary",
      cluster: "myapp--canary",
      sequence: 10,
    });
    expect(parseName("myapp-prod-a-b-v999")).toMatchObject({ detail: "a-b", sequence: 999 });
    expect(parseName("myapp")).toEqual({ app: "myapp", cluster: "myapp" });
    // v + 2 digits is not a push suffix: it is part of the detail.
    expect(parseName("myapp-prod-v01")).toEqual({
      app: "myapp",
      stack: "prod",
      detail: "v01",
      cluster: "myapp-prod-v01",
    });
    expect(parseName("bad name")).toBeUndefined();
  });

  it("takes the newest group's sequence + 1, wrapping at 1000 and skipping taken ones", () => {
    expect(nextServerGroupName("a-b", [])).toEqual({ name: "a-b-v000" });
    expect(nextServerGroupName("a-b", [{ name: "a-b-v000", createdTime: 1 }])).toEqual({ name: "a-b-v001" });
    // Newest by created time, not by number.
    expect(
      nextServerGroupName("a-b", [
        { name: "a-b-v005", createdTime: 1 },
        { name: "a-b-v002", createdTime: 2 },
      ]),
    ).toEqual({ name: "a-b-v003" });
    expect(
      nextServerGroupName("a-b", [
        { name: "a-b-v999", createdTime: 2 },
        { name: "a-b-v000", createdTime: 1 },
      ]),
    ).toEqual({ name: "a-b-v001" });
    // Groups of other clusters do not count.
    expect(nextServerGroupName("a-b", [{ name: "a-c-v004", createdTime: 1 }])).toEqual({ name: "a-b-v000" });
    const all = Array.from({ length: 1000 }, (_, i) => ({ name: serverGroupName("a", i), createdTime: i }));
    expect(nextServerGroupName("a", all)).toHaveProperty("error");
  });

  it("checks name parts", () => {
    expect(checkClusterParts("myapp", "prod", "x-y")).toEqual([]);
    expect(checkClusterParts("my-app", "pr-od")).toHaveLength(2);
  });
});
