// A request transcript of each manifest stage, as the real kubectl sends it to the API-server
// double, kept under test/kubernetes/transcripts/ so that a run against a real cluster can be
// compared with it. The test checks the writes (method, path, content type) against the kept
// files; CAPSTAN_UPDATE_TRANSCRIPTS=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ExecutionRecord } from "@capstan/core";
import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../kube-double/index.js";
import { doublePerTest, KUBECTLS } from "../kube-double/kit.js";
import { DoubleRig } from "./kit.js";

const start = doublePerTest();
const DIR = join(import.meta.dirname, "transcripts");
const kubectl = KUBECTLS.find((k) => k.name === "system") ?? KUBECTLS[0];

const SETUP = `
  - id: setup
    type: deployManifest
    manifests:
      - { apiVersion: v1, kind: Service, metadata: { name: web }, spec: { selector: { frontedBy: web }, ports: [{ port: 80 }] } }
      - apiVersion: apps/v1
        kind: ReplicaSet
        metadata: { name: web, labels: { tier: front } }
        spec:
          replicas: 1
          selector: { matchLabels: { app: web } }
          template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: "web:1" }] } }
      - apiVersion: apps/v1
        kind: Deployment
        metadata: { name: api }
        spec:
          replicas: 1
          selector: { matchLabels: { app: api } }
          template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: api, image: "api:1" }] } }
    trafficManagement: { enabled: true, options: { enableTraffic: true, services: [service web], strategy: redblack } }
  - id: setup2
    type: patchManifest
    dependsOn: [setup]
    manifestName: deployment api
    patchBody: { spec: { template: { spec: { containers: [{ name: api, image: "api:2" }] } } } }
`;

/** Each stage after the setup, by the transcript file it writes. */
const STAGES: Record<string, string> = {
  deployManifest: `{ id: s, type: deployManifest, manifests: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: cfg }, data: { a: b } }] }`,
  scaleManifest: `{ id: s, type: scaleManifest, manifestName: replicaSet web-v000, replicas: 2 }`,
  patchManifest: `{ id: s, type: patchManifest, manifestName: replicaSet web-v000, mergeStrategy: merge, patchBody: { metadata: { labels: { p: "1" } } } }`,
  disableManifest: `{ id: s, type: disableManifest, manifestName: replicaSet web-v000 }`,
  enableManifest: `{ id: s, type: enableManifest, cluster: replicaSet web, criteria: newest }`,
  undoRolloutManifest: `{ id: s, type: undoRolloutManifest, manifestName: deployment api, numRevisionsBack: 1 }`,
  rollingRestartManifest: `{ id: s, type: rollingRestartManifest, manifestName: deployment api }`,
  findArtifactsFromResource: `{ id: s, type: findArtifactsFromResource, manifestName: deployment api }`,
  deleteManifest: `{ id: s, type: deleteManifest, kinds: [replicaSet], labelSelector: tier=front, cascading: true }`,
  runJobManifest: `{ id: s, type: runJobManifest, manifest: { apiVersion: batch/v1, kind: Job, metadata: { name: hello }, spec: { template: { spec: { restartPolicy: Never, containers: [{ name: c, image: busybox }] } } } } }`,
};

/** Generated name parts (pod and ReplicaSet hashes) as `-*`; versions (`-v001`) stay. */
const hashes = (text: string) =>
  text.replace(/-[a-z0-9]{5,10}(?=["/?&-]|$)/g, (m) => (/^-v\d{3}$/.test(m) ? m : "-*"));

/** A transcript line without what changes from run to run (times, uids, resource versions, ports). */
function normalize(e: TranscriptEntry): Record<string, unknown> {
  const scrub = (v: unknown): unknown =>
    JSON.parse(
      hashes(JSON.stringify(v ?? null))
        .replace(
          /"(uid|resourceVersion|creationTimestamp|time|lastTimestamp|firstTimestamp|startTime|completionTime|lastTransitionTime|lastUpdateTime|lastProbeTime|startedAt|finishedAt|podIP|hostIP|eventTime)":"[^"]*"/g,
          '"$1":"*"',
        )
        .replace(
          /"(pod-template-hash|controller-uid|batch\.kubernetes\.io\/controller-uid|kubectl\.kubernetes\.io\/restartedAt)":"[^"]*"/g,
          '"$1":"*"',
        )
        .replace(/"hello-[a-z0-9]+"/g, '"hello-*"'),
    );
  return {
    method: e.method,
    path: hashes(e.path.replace(/([?&])timeout=[^&]*&?/, "$1").replace(/[?&]$/, "")),
    status: e.status,
    ...(e.contentType ? { contentType: e.contentType } : {}),
    ...(e.requestBody !== undefined ? { requestBody: scrub(e.requestBody) } : {}),
  };
}

const writes = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.method !== "GET").map((l) => `${l.method} ${l.path} ${l.contentType ?? ""}`);

describe.skipIf(!kubectl)(
  "request transcripts of each manifest stage (real kubectl, API-server double)",
  () => {
    it.each(Object.keys(STAGES))(
      "%s",
      async (type) => {
        const double = await start({ transcript: true });
        const rig = new DoubleRig(double, kubectl.path);
        const setup = await rig.run(`name: setup\nstages:${SETUP}`);
        expect(setup.status).toBe("SUCCEEDED");
        const before = double.transcript().length;
        const r: ExecutionRecord = await rig.run(`name: ${type}\nstages:\n  - ${STAGES[type]}\n`);
        const s = r.stages.find((x) => x.refId === "s");
        expect(s?.error).toBeUndefined();
        expect(r.status).toBe("SUCCEEDED");
        const lines = double.transcript().slice(before).map(normalize);
        const file = join(DIR, `${type}.jsonl`);
        const text = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
        if (process.env.CAPSTAN_UPDATE_TRANSCRIPTS === "1" || !existsSync(file)) {
          mkdirSync(DIR, { recursive: true });
          writeFileSync(file, text);
        }
        const kept = readFileSync(file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(writes(lines)).toEqual(writes(kept));
      },
      90_000,
    );
  },
);
