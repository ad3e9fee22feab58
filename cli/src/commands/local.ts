import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { type LocalStatus, localPaths, sendRequest } from "@capstan/core";
import { type CliIo, UsageError } from "../io.js";
import {
  findRepository,
  isMarkedDown,
  localProvider,
  markDown,
  supervisorLauncher,
  waitForSupervisor,
} from "../local/launcher.js";

export const localHelp = `Usage: capstan local up|down|status [--json] [--purge] [--repo DIR]

The local provider's supervisor: it runs the server groups that pipelines deploy with
\`provider: local\` (one per repository, state under .capstan/local/), and one HTTP load
balancer per cluster on 127.0.0.1. It starts by itself when a pipeline first needs it.

  up       start the supervisor (re-creates the persisted server groups)
  down     stop the supervisor and every instance; --purge also forgets the server groups. It stays
           down: only \`local up\` or a pipeline that deploys starts it again (a pipeline that only
           resizes, enables or destroys server groups fails, saying so)
  status   clusters, load balancer addresses, server groups, instances, health and traffic

Options:
  --json   machine-readable output (status)
  --repo   the repository folder (default: nearest folder up with .capstan or .git)
`;

/** `capstan local up|down|status`. */
export async function localCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      purge: { type: "boolean", default: false },
      repo: { type: "string" },
    },
  });
  const [verb, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'.`);
  const repository = findRepository(values.repo ?? io.cwd);
  const paths = localPaths(repository);
  const ask = (method: "status" | "shutdown") =>
    sendRequest(
      paths.socket,
      method === "status" ? { method } : { method, purge: values.purge },
      10_000,
    ).catch(() => undefined);

  switch (verb) {
    case "up": {
      if ((await ask("status"))?.ok) {
        io.stdout(`local supervisor already running for ${repository}\n`);
        return 0;
      }
      await supervisorLauncher(repository, { afterDown: true }).start();
      const status = await localProvider(repository, false).status();
      io.stdout(`local supervisor started (pid ${status.pid}) for ${repository}\n`);
      return 0;
    }
    case "down": {
      const answer = await ask("shutdown");
      // Down until `local up` or a pipeline that deploys, even when it was not running.
      markDown(repository);
      if (!answer?.ok) {
        io.stdout(`local supervisor is not running for ${repository}\n`);
        return 0;
      }
      const pid = (answer.result as { stopping: number }).stopping;
      await waitForExit(pid, paths.socket);
      io.stdout(
        `local supervisor stopped (pid ${pid}); instances stopped${values.purge ? ", state removed" : ""}\n`,
      );
      return 0;
    }
    case "status": {
      const answer = await ask("status");
      if (!answer?.ok) {
        if (values.json) io.stdout(`${JSON.stringify({ running: false, repository }, null, 2)}\n`);
        else
          io.stdout(
            `local supervisor is not running for ${repository}${isMarkedDown(repository) ? " (stopped with capstan local down)" : ""} (capstan local up starts it)\n`,
          );
        return values.json ? 0 : 1;
      }
      const status = answer.result as LocalStatus;
      if (values.json) io.stdout(`${JSON.stringify({ running: true, ...status }, null, 2)}\n`);
      else io.stdout(formatStatus(status, io.cwd));
      return 0;
    }
    case undefined:
      throw new UsageError("say up, down or status.");
    default:
      throw new UsageError(`unknown action '${verb}': say up, down or status.`);
  }
}

async function waitForExit(pid: number, socket: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive && !existsSync(socket)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The human view of `capstan local status`. */
export function formatStatus(status: LocalStatus, cwd: string): string {
  const lines = [
    `local supervisor pid ${status.pid} for ${status.repository} (socket ${relative(cwd, status.socket) || status.socket})`,
  ];
  if (status.clusters.length === 0)
    lines.push("no clusters yet: deploy one with a pipeline (provider: local)");
  for (const c of status.clusters) {
    const serving = c.serverGroups.filter((g) => g.takingTraffic > 0).map((g) => g.name);
    lines.push(
      "",
      `cluster ${c.name}  load balancer ${c.loadBalancer}  traffic -> ${serving.join(", ") || "nothing"}`,
    );
    for (const g of c.serverGroups) {
      const state = g.disabled
        ? "disabled"
        : g.trafficPercentage < 100
          ? `${g.trafficPercentage}% enabled`
          : "enabled";
      const up = g.instances.filter((i) => i.healthState === "Up").length;
      lines.push(
        `  ${g.name}  image ${g.image}  capacity ${g.capacity.min}/${g.capacity.desired}/${g.capacity.max}  ${state}  ` +
          `${g.instances.length} instances, ${up} Up, ${g.takingTraffic} taking traffic`,
      );
      for (const i of g.instances) {
        const restarts = i.restarts ? `  restarts ${i.restarts}` : "";
        lines.push(`    ${i.id}  ${i.address ?? ""}  pid ${i.pid ?? "-"}  ${i.healthState}${restarts}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Reads the supervisor log's last lines (for error messages). */
export function supervisorLogTail(repository: string, lines = 20): string {
  const path = localPaths(repository).supervisorLog;
  if (!existsSync(path)) return "";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

export { waitForSupervisor };
