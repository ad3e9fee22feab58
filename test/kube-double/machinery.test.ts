// The machinery's pure parts against their specifications: strategic merge patch directives, JSON
// patch, merge patch, selectors, schema problems and field ownership.
import { describe, expect, test } from "vitest";
import { leafPaths, serverSideApply, toFieldsV1 } from "./fields.js";
import { jsonPatch, mergePatch, strategicMergePatch } from "./patch.js";
import { resourceForKind } from "./resources.js";
import { schemaProblems, unknownFields } from "./schema.js";
import { matchesRequirements, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import type { KObject } from "./types.js";

const DEPLOYMENT = resourceForKind("apps/v1", "Deployment")!;
const POD = resourceForKind("v1", "Pod")!;

const pod = () => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", labels: { a: "1", b: "2" }, finalizers: ["x", "y"] },
  spec: {
    containers: [
      { name: "web", image: "nginx:1", ports: [{ containerPort: 80 }], env: [{ name: "A", value: "1" }] },
      { name: "side", image: "busybox" },
    ],
  },
});

describe("strategic merge patch", () => {
  test("lists with a merge key merge by it; others are replaced; null deletes", () => {
    const out = strategicMergePatch(POD, pod(), {
      metadata: { labels: { b: null, c: "3" } },
      spec: { containers: [{ name: "web", image: "nginx:2", ports: [{ containerPort: 81 }] }] },
    }) as ReturnType<typeof pod>;
    expect(out.metadata.labels).toEqual({ a: "1", c: "3" });
    expect(out.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(["web=nginx:2", "side=busybox"]);
    // ports merge by containerPort.
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 81 }]);
    expect(out.spec.containers[0].env).toEqual([{ name: "A", value: "1" }]);
  });

  test("$patch delete and replace, $setElementOrder, $deleteFromPrimitiveList, $retainKeys", () => {
    const del = strategicMergePatch(POD, pod(), {
      spec: { containers: [{ name: "side", $patch: "delete" }] },
    }) as ReturnType<typeof pod>;
    expect(del.spec.containers.map((c) => c.name)).toEqual(["web"]);
    const rep = strategicMergePatch(POD, pod(), {
      spec: { containers: [{ name: "only", image: "x" }, { $patch: "replace" }] },
    }) as ReturnType<typeof pod>;
    expect(rep.spec.containers).toEqual([{ name: "only", image: "x" }]);
    const order = strategicMergePatch(POD, pod(), {
      spec: { "$setElementOrder/containers": [{ name: "side" }, { name: "web" }] },
    }) as ReturnType<typeof pod>;
    expect(order.spec.containers.map((c) => c.name)).toEqual(["side", "web"]);
    const prim = strategicMergePatch(POD, pod(), {
      metadata: { "$deleteFromPrimitiveList/finalizers": ["x"] },
    }) as ReturnType<typeof pod>;
    expect(prim.metadata.finalizers).toEqual(["y"]);
    const mapReplace = strategicMergePatch(POD, pod(), {
      metadata: { labels: { z: "9", $patch: "replace" } },
    }) as ReturnType<typeof pod>;
    expect(mapReplace.metadata.labels).toEqual({ z: "9" });
    const retain = strategicMergePatch(
      DEPLOYMENT,
      { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } },
      {
        spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } },
      },
    );
    expect(retain).toEqual({ spec: { strategy: { type: "Recreate" } } });
  });
});

describe("JSON patch and merge patch", () => {
  test("RFC 6902 operations, with test failing the whole patch", () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    expect(
      jsonPatch(doc, [
        { op: "add", path: "/a/-", value: 3 },
        { op: "remove", path: "/b/c" },
        { op: "copy", from: "/a/0", path: "/d" },
        { op: "move", from: "/d", path: "/e" },
      ]),
    ).toEqual({ a: [1, 2, 3], b: {}, e: 1 });
    expect(() => jsonPatch(doc, [{ op: "test", path: "/b/c", value: 2 }])).toThrow(/test failed/);
    expect(() => jsonPatch(doc, [{ op: "replace", path: "/x", value: 2 }])).toThrow(/missing/);
  });

  test("RFC 7386: objects merge, null removes, arrays replace", () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1] }, { a: { b: null, d: 3 }, l: [2] })).toEqual({
      a: { c: 2, d: 3 },
      l: [2],
    });
  });
});

describe("selectors", () => {
  test("label selector syntax", () => {
    const reqs = parseLabelSelector("app=web,tier in (front, back),!canary,env!=prod,version");
    expect(matchesRequirements({ app: "web", tier: "front", version: "1" }, reqs)).toBe(true);
    expect(matchesRequirements({ app: "web", tier: "front", version: "1", canary: "" }, reqs)).toBe(false);
    expect(matchesRequirements({ app: "web", tier: "db", version: "1" }, reqs)).toBe(false);
    expect(() => parseLabelSelector("a b")).toThrow(/unable to parse/);
  });

  test("field selectors accept the documented fields only", () => {
    expect(parseFieldSelector("metadata.name=web", "Pod")).toEqual([
      { field: "metadata.name", op: "=", value: "web" },
    ]);
    expect(parseFieldSelector("status.phase!=Running", "Pod")[0].op).toBe("!=");
    expect(() => parseFieldSelector("spec.replicas=1", "Deployment")).toThrow(
      "field label not supported: spec.replicas",
    );
  });
});

describe("schema", () => {
  test("unknown fields, type errors (400) and missing required fields (422)", () => {
    const p = pod() as unknown as KObject;
    (p.spec as { containers: Record<string, unknown>[] }).containers[0].imagePullPolicyy = "Always";
    expect(unknownFields(POD, p)).toEqual(["spec.containers[0].imagePullPolicyy"]);
    const problems = schemaProblems(POD, { ...pod(), spec: { containers: [{ name: 3 }, {}] } });
    expect(problems.map((x) => [x.code, x.field])).toEqual([
      [400, "spec.containers[0].name"],
      [422, "spec.containers[1].name"],
    ]);
    // int-or-string and null.
    expect(
      schemaProblems(DEPLOYMENT, {
        spec: {
          selector: {},
          template: {},
          strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
          paused: null,
        },
      }),
    ).toEqual([]);
  });
});

describe("field ownership", () => {
  test("FieldsV1 paths use k: for map-list items, . for maps", () => {
    const paths = leafPaths(POD, {
      metadata: { labels: { a: "1" } },
      spec: { containers: [{ name: "web", image: "x" }] },
    });
    expect(toFieldsV1(paths)).toEqual({
      "f:metadata": { "f:labels": { ".": {}, "f:a": {} } },
      "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:name": {}, "f:image": {} } } },
    });
  });

  test("apply conflicts with another manager's differing value unless forced", () => {
    const base = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { replicas: 1 },
    } as KObject;
    const first = serverSideApply(DEPLOYMENT, undefined, base, "a", false, "apps/v1");
    expect(() =>
      serverSideApply(DEPLOYMENT, first, { ...base, spec: { replicas: 2 } }, "b", false, "apps/v1"),
    ).toThrow('Apply failed with 1 conflict: conflict with "a" using apps/v1: .spec.replicas');
    const shared = serverSideApply(DEPLOYMENT, first, base, "b", false, "apps/v1");
    expect(shared.metadata.managedFields?.map((m) => m.manager)).toEqual(["a", "b"]);
    const forced = serverSideApply(
      DEPLOYMENT,
      first,
      { ...base, spec: { replicas: 2 } },
      "b",
      true,
      "apps/v1",
    );
    expect((forced.spec as { replicas: number }).replicas).toBe(2);
    expect(forced.metadata.managedFields?.map((m) => m.manager)).toEqual(["b"]);
  });
});
