// Starting the double as a separate process (for benchmarks and tests that need it out of their
// own event loop): runs bin.mjs, waits for its JSON line, and stops it by SIGTERM (it also exits
// when this process's end of its stdin closes).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export interface DoubleProcess {
  url: string;
  port: number;
  kubeconfig: string;
  cacheDir: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function spawnKubeDouble(args: string[] = [], timeoutMs = 60_000): Promise<DoubleProcess> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "bin.mjs"), "--exit-with-stdin", ...args],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the double did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the double exited (${code}) before starting: ${stderr}`));
    });
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString("utf8");
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const info = JSON.parse(out.slice(0, nl)) as Omit<DoubleProcess, "child" | "stop">;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      resolve({
        ...info,
        child,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}
