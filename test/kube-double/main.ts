// The double as a process (bin.mjs bundles and runs this): prints one JSON line with its url,
// kubeconfig and pid on stdout, then serves until SIGTERM/SIGINT (or, with --exit-with-stdin, until
// its standard input closes, so it never outlives the test or benchmark that started it).
//   node test/kube-double/bin.mjs [--port N] [--runtime simulated|process] [--transcript FILE]
//     [--client-side-validation] [--images '{"web:v1":{"command":["node","server.js"]}}'] [--cwd DIR]
//     [--exit-with-stdin]
import { type KubeDoubleOptions, startKubeDouble } from "./index.js";
import type { ImageCommand } from "./runtime/process.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const has = (name: string) => process.argv.includes(`--${name}`);

const opts: KubeDoubleOptions = {};
if (flag("port")) opts.port = Number(flag("port"));
if (flag("transcript")) opts.transcript = flag("transcript");
if (has("client-side-validation")) opts.clientSideValidation = true;
if (flag("runtime") === "process") {
  const images = flag("images")
    ? (JSON.parse(flag("images") ?? "{}") as Record<string, ImageCommand>)
    : undefined;
  opts.runtime = { process: { images, cwd: flag("cwd") } };
}
const double = await startKubeDouble(opts);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await double.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
if (has("exit-with-stdin")) {
  process.stdin.on("end", () => void stop());
  process.stdin.on("close", () => void stop());
  process.stdin.resume();
}
process.stdout.write(
  `${JSON.stringify({ url: double.url, port: double.port, kubeconfig: double.kubeconfig, cacheDir: double.cacheDir, pid: process.pid })}\n`,
);
