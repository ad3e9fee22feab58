import type { CommandResult, CommandRunner, StreamingCommand } from "../kubectl.js";
import { canonicalKind, ensure, type KubeObject } from "../manifest.js";

type Data = Record<string, unknown>;

/**
 * An in-memory stand-in for kubectl and a cluster, for unit tests of the manifest stages: it reads
 * the argument lists the driver builds and keeps objects, with toy controllers (ReplicaSet pods,
 * Deployment revisions, Jobs). The real check is the API-server double with the real kubectl.
 */
export class FakeKubectl implements CommandRunner {
  readonly calls: string[][] = [];
  readonly stdins: string[] = [];
  readonly objects = new Map<string, KubeObject>();
  /** Objects become stable on their own (false: tests call `settle`). */
  autoSettle = true;
  /** Deployments whose rollout fails (ProgressDeadlineExceeded). */
  readonly failing = new Set<string>();
  /** Jobs that fail. */
  readonly failingJobs = new Set<string>();
  /** Log text per Job name. */
  readonly jobLogs = new Map<string, string>();
  readonly events: KubeObject[] = [];
  private uid = 0;
  private rv = 0;
  private time = Date.UTC(2024, 0, 2, 12, 0, 0);
  private readonly watchers = new Set<{ key: string; onStdout: (t: string) => void }>();
  private readonly history = new Map<string, { revision: number; template: unknown }[]>();

  private tick(): number {
    this.time += 1000;
    return this.time;
  }

  key(kind: string, namespace: string | undefined, name: string): string {
    return `${canonicalKind(kind)}/${namespace ?? "default"}/${name}`;
  }

  find(kind: string, name: string, namespace = "default"): KubeObject | undefined {
    return this.objects.get(this.key(kind, namespace, name));
  }

  list(kind: string, namespace = "default"): KubeObject[] {
    const prefix = `${canonicalKind(kind)}/${namespace}/`;
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, o]) => o);
  }

  /** Puts an object as if it had been applied before. */
  seed(o: KubeObject): KubeObject {
    return this.store(structuredClone(o), true);
  }

  private store(o: KubeObject, applied: boolean): KubeObject {
    const kind = canonicalKind(String(o.kind));
    o.metadata ??= {};
    if (kind !== "Namespace") o.metadata.namespace ??= "default";
    const ns = kind === "Namespace" ? undefined : o.metadata.namespace;
    const key = this.key(kind, ns, String(o.metadata.name));
    const before = this.objects.get(key);
    o.metadata.uid = before?.metadata?.uid ?? `uid-${++this.uid}`;
    o.metadata.creationTimestamp = before?.metadata?.creationTimestamp ?? new Date(this.tick()).toISOString();
    const specChanged = JSON.stringify(before?.spec) !== JSON.stringify(o.spec);
    o.metadata.generation =
      ((before?.metadata?.generation as number | undefined) ?? 0) + (specChanged || !before ? 1 : 0);
    o.metadata.resourceVersion = String(++this.rv);
    if (applied) {
      const copy = structuredClone(o);
      delete copy.status;
      const {
        uid: _u,
        creationTimestamp: _c,
        generation: _g,
        resourceVersion: _r,
        ...meta
      } = copy.metadata ?? {};
      const annotations = { ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
      delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
      ensure(o.metadata, "annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] =
        JSON.stringify({
          ...copy,
          metadata: { ...meta, annotations },
        });
    }
    if (kind === "Deployment" && specChanged) this.newRevision(key, o, before);
    o.status = before?.status ?? {};
    this.objects.set(key, o);
    if (this.autoSettle) this.settle();
    this.notify(key);
    return o;
  }

  private newRevision(key: string, o: KubeObject, before: KubeObject | undefined) {
    const list = this.history.get(key) ?? [];
    const template = (o.spec as Data).template;
    const beforeTemplate = JSON.stringify((before?.spec as Data | undefined)?.template);
    if (before && beforeTemplate === JSON.stringify(template)) return;
    const revision = (list.at(-1)?.revision ?? 0) + 1;
    list.push({ revision, template: structuredClone(template) });
    this.history.set(key, list);
    ensure(o.metadata as Data, "annotations", {} as Data)["deployment.kubernetes.io/revision"] =
      String(revision);
  }

  private notify(key: string) {
    const o = this.objects.get(key);
    for (const w of this.watchers) if (w.key === key && o) w.onStdout(`${JSON.stringify(o, null, 2)}\n`);
  }

  /** Runs the toy controllers: every workload becomes ready (unless failing). */
  settle(): void {
    for (const [key, o] of this.objects) {
      const kind = canonicalKind(String(o.kind));
      const spec = (o.spec ?? {}) as Data;
      const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
      const gen = o.metadata?.generation;
      const before = JSON.stringify(o.status);
      if (kind === "ReplicaSet") {
        o.status = {
          replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          fullyLabeledReplicas: replicas,
          observedGeneration: gen,
        };
        this.podsFor(o, replicas);
      } else if (kind === "Deployment") {
        const name = String(o.metadata?.name);
        if (this.failing.has(name))
          o.status = {
            observedGeneration: gen,
            replicas,
            updatedReplicas: 0,
            conditions: [
              {
                type: "Progressing",
                status: "False",
                reason: "ProgressDeadlineExceeded",
                message: `ReplicaSet "${name}-abc" has timed out progressing.`,
              },
            ],
          };
        else
          o.status = {
            observedGeneration: gen,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [{ type: "Available", status: "True" }],
          };
      } else if (kind === "Job") {
        const name = String(o.metadata?.name);
        o.status = this.failingJobs.has(name)
          ? {
              failed: 1,
              conditions: [
                {
                  type: "Failed",
                  status: "True",
                  reason: "BackoffLimitExceeded",
                  message: "Job has reached the specified backoff limit",
                },
              ],
            }
          : { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] };
      } else if (kind === "Pod") o.status = { phase: "Running" };
      if (JSON.stringify(o.status) !== before) this.notify(key);
    }
  }

  private podsFor(rs: KubeObject, replicas: number) {
    const ns = rs.metadata?.namespace ?? "default";
    const uid = rs.metadata?.uid;
    const mine = this.list("Pod", ns).filter((p) =>
      ((p.metadata?.ownerReferences as { uid?: string }[] | undefined) ?? []).some((r) => r.uid === uid),
    );
    const labels = ((((rs.spec as Data).template as Data | undefined)?.metadata as Data | undefined)
      ?.labels ?? {}) as Record<string, string>;
    for (let i = mine.length; i < replicas; i++) {
      const name = `${rs.metadata?.name}-p${i}`;
      this.objects.set(this.key("Pod", ns, name), {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name,
          namespace: ns,
          labels: { ...labels },
          uid: `uid-${++this.uid}`,
          ownerReferences: [{ kind: "ReplicaSet", name: rs.metadata?.name, uid }],
        },
        status: { phase: "Running" },
      });
    }
  }

  private ok(stdout = ""): CommandResult {
    return { code: 0, stdout, stderr: "" };
  }
  private fail(stderr: string): CommandResult {
    return { code: 1, stdout: "", stderr };
  }

  async run(args: readonly string[], options: { stdin?: string } = {}): Promise<CommandResult> {
    this.calls.push([...args]);
    if (options.stdin !== undefined) this.stdins.push(options.stdin);
    const rest = args.slice(1);
    let namespace = "default";
    const argv: string[] = [];
    for (const a of rest) {
      if (a.startsWith("--namespace=")) namespace = a.slice(12);
      else if (a.startsWith("--kubeconfig=") || a.startsWith("--context=")) continue;
      else argv.push(a);
    }
    const [verb] = argv;
    const ref = (text: string) => {
      const [k, n] = text.split("/");
      return { kind: canonicalKind(k), name: n };
    };
    switch (verb) {
      case "apply":
      case "create":
      case "replace": {
        const o = JSON.parse(options.stdin ?? "{}") as KubeObject;
        if (verb === "create" && o.metadata?.generateName && !o.metadata.name)
          o.metadata.name = `${o.metadata.generateName}x${++this.uid}`;
        if (
          verb === "replace" &&
          !this.find(String(o.kind), String(o.metadata?.name), o.metadata?.namespace ?? namespace)
        )
          return this.fail(`Error from server (NotFound): ${o.kind} "${o.metadata?.name}" not found`);
        o.metadata ??= {};
        o.metadata.namespace ??= namespace;
        return this.ok(JSON.stringify(this.store(o, verb === "apply")));
      }
      case "get": {
        const target = argv[1];
        if (target === "events") return this.ok(JSON.stringify({ items: this.events }));
        if (target.includes("/")) {
          const r = ref(target);
          const o = this.find(r.kind, r.name, namespace);
          return this.ok(o ? JSON.stringify(o) : "");
        }
        const sel = argv.includes("-l") ? argv[argv.indexOf("-l") + 1] : undefined;
        const items = target
          .split(",")
          .flatMap((k) => this.list(k, namespace))
          .filter((o) => !sel || matches(o, sel));
        return this.ok(JSON.stringify({ kind: "List", items }));
      }
      case "delete": {
        const target = argv[1];
        if (target.includes("/")) {
          const r = ref(target);
          this.remove(this.key(r.kind, namespace, r.name));
        } else {
          const sel = argv[argv.indexOf("-l") + 1];
          for (const k of target.split(","))
            for (const o of this.list(k, namespace))
              if (matches(o, sel)) this.remove(this.key(k, namespace, String(o.metadata?.name)));
        }
        return this.ok();
      }
      case "scale": {
        const r = ref(argv[1]);
        const o = this.find(r.kind, r.name, namespace);
        if (!o) return this.fail(`Error from server (NotFound): ${r.name} not found`);
        const replicas = Number(argv.find((a) => a.startsWith("--replicas="))?.slice(11));
        const copy = structuredClone(o);
        ensure(copy, "spec", {}).replicas = replicas;
        this.store(copy, false);
        return this.ok();
      }
      case "patch": {
        const r = ref(argv[1]);
        const o = this.find(r.kind, r.name, namespace);
        if (!o) return this.fail(`Error from server (NotFound): ${r.name} not found`);
        const type = argv[argv.indexOf("--type") + 1];
        const patch = JSON.parse(argv[argv.indexOf("--patch") + 1]);
        const copy = structuredClone(o);
        if (type === "json") for (const op of patch) applyJsonPatch(copy, op);
        else mergePatch(copy, patch);
        this.store(copy, false);
        return this.ok();
      }
      case "rollout": {
        const r = ref(argv[2]);
        const key = this.key(r.kind, namespace, r.name);
        const list = this.history.get(key) ?? [];
        if (argv[1] === "restart") {
          const o = this.objects.get(key);
          if (!o) return this.fail(`Error from server (NotFound): ${r.name} not found`);
          const copy = structuredClone(o);
          const t = ensure(copy.spec as Data, "template", {}) as Data;
          const meta = ensure(t, "metadata", {}) as Data;
          meta.annotations = {
            ...((meta.annotations as Data | undefined) ?? {}),
            "kubectl.kubernetes.io/restartedAt": new Date(this.time).toISOString(),
          };
          this.store(copy, false);
          return this.ok(`${argv[2]} restarted`);
        }
        if (argv[1] === "history")
          return this.ok(
            `${argv[2]}\nREVISION  CHANGE-CAUSE\n${list.map((h) => `${h.revision}         <none>`).join("\n")}\n`,
          );
        const to = Number(argv.find((a) => a.startsWith("--to-revision="))?.slice(14));
        const entry = list.find((h) => h.revision === to);
        const o = this.objects.get(key);
        if (!entry || !o) return this.fail(`error: unable to find specified revision ${to} in history`);
        const copy = structuredClone(o);
        (copy.spec as Data).template = structuredClone(entry.template);
        this.store(copy, false);
        return this.ok(`${argv[2]} rolled back`);
      }
      case "logs": {
        const r = ref(argv[1]);
        return this.ok(this.jobLogs.get(r.name) ?? "");
      }
      default:
        return this.fail(`unknown command ${verb}`);
    }
  }

  private remove(key: string) {
    const o = this.objects.get(key);
    this.objects.delete(key);
    if (!o) return;
    const uid = o.metadata?.uid;
    for (const [k, p] of [...this.objects])
      if (((p.metadata?.ownerReferences as { uid?: string }[] | undefined) ?? []).some((r) => r.uid === uid))
        this.remove(k);
  }

  stream(args: readonly string[], onStdout: (text: string) => void): StreamingCommand {
    this.calls.push([...args]);
    const argv = args.slice(1).filter((a) => !a.startsWith("--kubeconfig=") && !a.startsWith("--context="));
    const ns = argv.find((a) => a.startsWith("--namespace="))?.slice(12) ?? "default";
    const target = argv.find((a) => a.includes("/") && !a.startsWith("--")) ?? "";
    const [k, n] = target.split("/");
    const watcher = { key: this.key(k, ns, n), onStdout };
    this.watchers.add(watcher);
    let finish: (r: CommandResult) => void = () => undefined;
    const exit = new Promise<CommandResult>((resolve) => {
      finish = resolve;
    });
    const current = this.objects.get(watcher.key);
    if (current) queueMicrotask(() => onStdout(JSON.stringify(current, null, 2)));
    return {
      stop: () => {
        this.watchers.delete(watcher);
        finish({ code: 0, stdout: "", stderr: "" });
      },
      exit,
    };
  }
}

function matches(o: KubeObject, selector: string): boolean {
  const labels = o.metadata?.labels ?? {};
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return v === undefined ? k in labels : labels[k] === v;
  });
}

function applyJsonPatch(target: Data, op: { op: string; path: string; value?: unknown }) {
  const parts = op.path
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = target as Data;
  for (const p of parts.slice(0, -1)) node = ensure(node, p, {}) as Data;
  const last = parts.at(-1) as string;
  if (op.op === "remove") delete node[last];
  else node[last] = op.value;
}

function mergePatch(target: Data, patch: Data) {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (v && typeof v === "object" && !Array.isArray(v) && target[k] && typeof target[k] === "object")
      mergePatch(target[k] as Data, v as Data);
    else target[k] = v;
  }
}
