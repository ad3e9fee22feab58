// The pod runtime the double's kubelet drives: a simulated one (runtime/simulated.ts) or local
// processes (runtime/process.ts). A runtime runs a pod's containers and reports their states.
import type { ServerResponse } from "node:http";
import type { LogRequest } from "../server.js";
import type { Pod } from "../types.js";

export interface ContainerReport {
  name: string;
  state: "waiting" | "running" | "terminated";
  reason?: string;
  message?: string;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  ready: boolean;
  restartCount: number;
  last?: { exitCode: number; reason?: string; startedAt?: string; finishedAt?: string };
}

export interface RuntimeReport {
  containers: ContainerReport[];
  podIP?: string;
  /** Kubelet events to record (reason, message, type). */
  events?: { type: "Normal" | "Warning"; reason: string; message: string }[];
  /** The loopback port each container port is served on (process runtime). */
  ports?: Record<string, number>;
}

export interface PodRuntime {
  readonly name: string;
  /** Starts the pod's containers; `report` is called on every change of their states. */
  start(pod: Pod, report: (r: RuntimeReport) => void): void;
  /** Stops the pod's containers within the grace period; resolves when they are gone. */
  stop(pod: Pod, graceSeconds: number): Promise<void>;
  /** Whether the runtime runs (or ran) this pod. */
  has(podUid: string): boolean;
  /** Writes the pod's log to the response (the kubelet checks the pod and container first). */
  logs(pod: Pod, container: string, req: LogRequest, res: ServerResponse): Promise<void>;
  /** The loopback port a container port of a pod is reachable on, if it is reachable. */
  portFor?(podUid: string, containerPort: number): number | undefined;
  close(): Promise<void>;
}

export function podKey(pod: Pod): string {
  return pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** Applies tailLines / limitBytes / timestamps to a buffered log. */
export function formatLog(lines: { time: string; text: string }[], req: LogRequest): string {
  let ls = lines;
  if (req.sinceSeconds !== undefined) {
    const since = Date.now() - req.sinceSeconds * 1000;
    ls = ls.filter((l) => Date.parse(l.time) >= since);
  }
  if (req.tailLines !== undefined && req.tailLines >= 0)
    ls = ls.slice(Math.max(0, ls.length - req.tailLines));
  let out = ls.map((l) => (req.timestamps ? `${l.time} ${l.text}` : l.text)).join("");
  if (req.limitBytes !== undefined) out = Buffer.from(out).subarray(0, req.limitBytes).toString("utf8");
  return out;
}
