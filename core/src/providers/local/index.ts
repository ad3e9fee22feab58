export { type LocalConnection, LocalProvider, type SupervisorLauncher, socketConnection } from "./client.js";
export { checkHealth, type HealthCheckResult } from "./health-check.js";
export { toLaunchConfig } from "./launch-config.js";
export { ClusterLoadBalancer } from "./load-balancer.js";
export { type LocalPaths, localPaths } from "./paths.js";
export type * from "./protocol.js";
export { SupervisorUnreachable, sendRequest, serveSocket, socketPathProblem } from "./socket.js";
export { emptyState, type LocalState, parseState } from "./state.js";
export { type InstanceProcess, Supervisor, type SupervisorHost } from "./supervisor.js";
