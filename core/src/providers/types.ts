/** Instance counts of a server group (Spinnaker's capacity). */
export interface Capacity {
  min: number;
  desired: number;
  max: number;
}

/**
 * Health of one instance as Spinnaker shows it: `Up` takes traffic, `OutOfService` is healthy but in a
 * disabled (or partly disabled) server group, `Starting` has not yet passed its health check, `Down`
 * failed it or its process is not running.
 */
export type HealthState = "Up" | "OutOfService" | "Starting" | "Down";

export interface Instance {
  id: string;
  healthState: HealthState;
  /** Provider-specific address (the local provider: `127.0.0.1:<port>`). */
  address?: string;
  launchTime: number;
  /** Times the instance was restarted after its process ended. */
  restarts?: number;
  /** Process id (local provider). */
  pid?: number;
}

/** Frigga's parts of a name. */
export interface Moniker {
  app: string;
  stack?: string;
  detail?: string;
  cluster: string;
  sequence?: number;
}

/** One server group as a provider reports it (Spinnaker's clouddriver view). */
export interface ServerGroup {
  name: string;
  cluster: string;
  moniker: Moniker;
  provider: string;
  account: string;
  /** Spinnaker's region/namespace; the local provider has one location, `local`. */
  location: string;
  createdTime: number;
  capacity: Capacity;
  /** True when the server group takes no traffic at all. */
  disabled: boolean;
  /** Percentage of its instances that take traffic (100 enabled, 0 disabled, between for rolling red/black). */
  trafficPercentage: number;
  /** The artifact it runs (a container image, or the local provider's label). */
  image: string;
  instances: Instance[];
  loadBalancers: string[];
  /** What the server group was created from (command, env, health check ...), for clones. */
  launchConfig: Record<string, unknown>;
}

/** A provider's load balancer: where a cluster's traffic enters. */
export interface LoadBalancer {
  name: string;
  cluster: string;
  /** `http://127.0.0.1:<port>` for the local provider. */
  address: string;
  /** Server groups that receive traffic through it. */
  serverGroups: string[];
}

/** What to create: the cluster's coordinates, capacity, artifact and provider settings. */
export interface ServerGroupSpec {
  application: string;
  stack?: string;
  detail?: string;
  capacity: Capacity;
  image: string;
  /** Provider-specific settings (local: command, env, healthCheck). */
  launchConfig: Record<string, unknown>;
  /** Start disabled (no traffic), as rolling red/black's new group does until it grows. */
  disabled?: boolean;
  /**
   * Idempotency key: creating twice with the same token returns the first server group, so a resumed
   * stage never creates a second one.
   */
  token?: string;
}

/** What Spinnaker's cloud driver offers the stages, for one provider account. */
export interface Provider {
  readonly provider: string;
  readonly account: string;
  /** Cluster names, optionally of one application. */
  listClusters(application?: string): Promise<string[]>;
  /** Server groups of a cluster (all locations), any order. An unknown cluster has none. */
  listServerGroups(cluster: string): Promise<ServerGroup[]>;
  getServerGroup(name: string): Promise<ServerGroup | undefined>;
  /** Creates the next version of the cluster (`app-stack-detail-vNNN`). */
  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup>;
  resizeServerGroup(name: string, capacity: Capacity): Promise<ServerGroup>;
  enableServerGroup(name: string): Promise<ServerGroup>;
  /** Disables all traffic, or `desiredPercentage` of its instances (rolling red/black). */
  disableServerGroup(name: string, desiredPercentage?: number): Promise<ServerGroup>;
  /** Destroys it; destroying one that no longer exists is not an error. */
  destroyServerGroup(name: string): Promise<void>;
  /** Creates the next version of the source's cluster from the source's settings with overrides. */
  cloneServerGroup(source: string, overrides: Partial<ServerGroupSpec>): Promise<ServerGroup>;
  listLoadBalancers(): Promise<LoadBalancer[]>;
}

/** Finds the provider account a stage names. */
export interface ProviderResolver {
  /** `provider` and `account` may be absent when only one is configured. */
  resolve(provider?: string, account?: string): Provider | { error: string };
}
