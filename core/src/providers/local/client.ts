import type { Capacity, LoadBalancer, Provider, ServerGroup, ServerGroupSpec } from "../types.js";
import type { LocalRequest, LocalStatus } from "./protocol.js";
import { SupervisorUnreachable, sendRequest } from "./socket.js";

/** Talks to the supervisor: resolves with the result, rejects with the supervisor's error. */
export interface LocalConnection {
  request(request: LocalRequest): Promise<unknown>;
}

/** Starts the supervisor when it is not running (the CLI spawns it detached). */
export interface SupervisorLauncher {
  start(): Promise<void>;
}

/**
 * A connection over the supervisor's Unix socket; when nothing listens there and a launcher is
 * given, the supervisor is started and the request sent again (started automatically on first use).
 */
export function socketConnection(socket: string, launcher?: SupervisorLauncher): LocalConnection {
  const once = async (request: LocalRequest) => {
    const response = await sendRequest(socket, request);
    if (!response.ok) throw new Error(response.error);
    return response.result;
  };
  return {
    async request(request) {
      try {
        return await once(request);
      } catch (error) {
        const down =
          error instanceof SupervisorUnreachable && ["ENOENT", "ECONNREFUSED"].includes(error.code);
        if (!down || !launcher) throw error;
        await launcher.start();
        return once(request);
      }
    },
  };
}

/** The `local` provider as the stages see it: every call goes to the repository's supervisor. */
export class LocalProvider implements Provider {
  readonly provider = "local";
  readonly account = "local";

  constructor(private readonly connection: LocalConnection) {}

  status(): Promise<LocalStatus> {
    return this.connection.request({ method: "status" }) as Promise<LocalStatus>;
  }

  async listClusters(application?: string): Promise<string[]> {
    const status = await this.status();
    return status.clusters
      .filter(
        (c) =>
          application === undefined ||
          c.serverGroups.some((g) => g.moniker.app === application) ||
          c.name.split("-")[0] === application,
      )
      .map((c) => c.name);
  }

  async listServerGroups(cluster: string): Promise<ServerGroup[]> {
    return (await this.connection.request({ method: "serverGroup.list", cluster })) as ServerGroup[];
  }

  async getServerGroup(name: string): Promise<ServerGroup | undefined> {
    const all = (await this.connection.request({ method: "serverGroup.list" })) as ServerGroup[];
    return all.find((g) => g.name === name);
  }

  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    return this.connection.request({ method: "serverGroup.create", spec }) as Promise<ServerGroup>;
  }

  resizeServerGroup(name: string, capacity: Capacity): Promise<ServerGroup> {
    return this.connection.request({ method: "serverGroup.resize", name, capacity }) as Promise<ServerGroup>;
  }

  enableServerGroup(name: string): Promise<ServerGroup> {
    return this.connection.request({ method: "serverGroup.enable", name }) as Promise<ServerGroup>;
  }

  disableServerGroup(name: string, desiredPercentage?: number): Promise<ServerGroup> {
    return this.connection.request({
      method: "serverGroup.disable",
      name,
      desiredPercentage,
    }) as Promise<ServerGroup>;
  }

  async destroyServerGroup(name: string): Promise<void> {
    await this.connection.request({ method: "serverGroup.destroy", name });
  }

  async cloneServerGroup(source: string, overrides: Partial<ServerGroupSpec>): Promise<ServerGroup> {
    const from = await this.getServerGroup(source);
    if (!from) throw new Error(`no server group '${source}' to clone`);
    const spec: ServerGroupSpec = {
      application: from.moniker.app,
      stack: from.moniker.stack,
      detail: from.moniker.detail,
      capacity: from.capacity,
      image: from.image,
      launchConfig: from.launchConfig,
      ...overrides,
    };
    if (overrides.launchConfig) spec.launchConfig = { ...from.launchConfig, ...overrides.launchConfig };
    return this.createServerGroup(spec);
  }

  async listLoadBalancers(): Promise<LoadBalancer[]> {
    const status = await this.status();
    return status.clusters.map((c) => ({
      name: c.name,
      cluster: c.name,
      address: c.loadBalancer,
      serverGroups: c.serverGroups.filter((g) => g.takingTraffic > 0).map((g) => g.name),
    }));
  }
}
