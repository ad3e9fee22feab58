import type { Capacity, ServerGroup, ServerGroupSpec } from "../types.js";

/** The local provider's launch settings of a server group (from a deploy stage's cluster entry). */
export interface LocalLaunchConfig {
  /** Shell command, run in the repository root; gets PORT, CAPSTAN_IMAGE, CAPSTAN_INSTANCE_ID. */
  command: string;
  env: Record<string, string>;
  healthCheck: LocalHealthCheck;
}

export interface LocalHealthCheck {
  path: string;
  /** Port to check; default the instance's PORT. */
  port?: number;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** A request from the CLI (or a stage) to the supervisor, one JSON line per connection. */
export type LocalRequest =
  | { method: "status" }
  | { method: "serverGroup.list"; cluster?: string }
  | { method: "serverGroup.create"; spec: ServerGroupSpec }
  | { method: "serverGroup.resize"; name: string; capacity: Capacity }
  | { method: "serverGroup.enable"; name: string }
  | { method: "serverGroup.disable"; name: string; desiredPercentage?: number }
  | { method: "serverGroup.destroy"; name: string }
  | { method: "shutdown"; purge?: boolean };

export type LocalResponse = { ok: true; result: unknown } | { ok: false; error: string };

/** One cluster as `capstan local status` shows it. */
export interface LocalClusterStatus {
  name: string;
  /** `http://127.0.0.1:<port>` */
  loadBalancer: string;
  port: number;
  serverGroups: LocalServerGroupStatus[];
}

export interface LocalServerGroupStatus extends ServerGroup {
  /** Instances the load balancer currently sends requests to. */
  takingTraffic: number;
}

/** What `capstan local status --json` prints. */
export interface LocalStatus {
  pid: number;
  repository: string;
  startedAt: number;
  socket: string;
  clusters: LocalClusterStatus[];
}
