// Shared pieces of the real-editor test runners: paths, the workspace, code-server, the browser.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "..", "..");
export const extensionDir = path.join(repo, "extension");
export const cache = process.env.CAPSTAN_VSCODE_CACHE ?? path.join(repo, ".cache", "vscode-e2e");
export const artifacts = path.join(repo, "test-results", "vscode");
export const suiteFile = path.join(here, "out", "suite.cjs");

/** Runs a command, inheriting output; exits the process when it fails. */
export function must(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: "inherit", ...options });
  if (r.status !== 0) {
    console.error(`${command} ${args.join(" ")} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

/** Bundles the extension and the in-host suite (the suite is CommonJS, `vscode` external). */
export async function buildAll() {
  // tsc -b is incremental: near-instant when the repository is already built.
  must(process.execPath, [path.join(repo, "node_modules", "typescript", "bin", "tsc"), "-b"], { cwd: repo });
  // The package step bundles dist/ (what the linked extension runs) and writes the .vsix we install.
  must(process.execPath, [path.join(extensionDir, "scripts", "package.mjs")], { cwd: extensionDir });
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [path.join(here, "suite", "index.ts")],
    outfile: suiteFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode"],
    logLevel: "warning",
  });
}

/** The .vsix the package step wrote. */
export function vsixPath() {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));
  return path.join(extensionDir, `${pkg.name}-${pkg.version}.vsix`);
}

/** Installs the .vsix into a fresh extensions folder with code-server's CLI; returns the listed ids. */
export function installVsix(runDir) {
  const ext = path.join(runDir, "vsix-ext");
  const xdg = path.join(runDir, "xdg-vsix");
  const bin = path.join(cache, "cs", "node_modules", ".bin", "code-server");
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: `${xdg}/config`,
    XDG_DATA_HOME: `${xdg}/data`,
    XDG_CACHE_HOME: `${xdg}/cache`,
  };
  const common = ["--extensions-dir", ext, "--user-data-dir", path.join(runDir, "vsix-ud")];
  const install = spawnSync(bin, [...common, "--install-extension", vsixPath()], { env, encoding: "utf8" });
  if (install.status !== 0) throw new Error(`install failed: ${install.stdout}${install.stderr}`);
  const list = spawnSync(bin, [...common, "--list-extensions", "--show-versions"], { env, encoding: "utf8" });
  return list.stdout.split("\n").filter(Boolean);
}

/** A fresh workspace: the examples and the fixtures as `.capstan/pipelines/*.yml`, other fixtures in `fixtures/`. */
export function makeWorkspace(runDir) {
  const ws = path.join(runDir, "ws");
  const pipelines = path.join(ws, ".capstan", "pipelines");
  fs.mkdirSync(pipelines, { recursive: true });
  fs.mkdirSync(path.join(ws, "fixtures"), { recursive: true });
  for (const dir of [path.join(repo, "examples"), path.join(here, "fixtures")]) {
    for (const name of fs.readdirSync(dir)) {
      const from = path.join(dir, name);
      if (name.endsWith(".yml")) fs.copyFileSync(from, path.join(pipelines, name));
      else if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(ws, "fixtures", name));
    }
  }
  // the examples' run stages start examples/app/server.js relative to the workspace
  if (fs.existsSync(path.join(repo, "examples", "app"))) {
    fs.cpSync(path.join(repo, "examples", "app"), path.join(ws, "examples", "app"), { recursive: true });
  }
  return ws;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const USER_SETTINGS = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.enabled": false,
  "workbench.tips.enabled": false,
  "window.restoreWindows": "none",
  "files.autoSave": "off",
  "editor.minimap.enabled": false,
  "workbench.colorTheme": "Default Dark Modern",
};

/**
 * Starts code-server on loopback in its own process group with a fresh profile. `extensions` is
 * a list of extension folders to link into a fresh extensions dir (empty for extensionTestsPath).
 */
export async function startCodeServer(runDir, { ws, extensions = [], env = {} }) {
  const port = await freePort();
  const ud = path.join(runDir, "ud");
  const ext = path.join(runDir, "ext");
  fs.mkdirSync(path.join(ud, "User"), { recursive: true });
  fs.mkdirSync(ext, { recursive: true });
  fs.writeFileSync(path.join(ud, "User", "settings.json"), JSON.stringify(USER_SETTINGS, null, 2));
  for (const dir of extensions) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    fs.symlinkSync(dir, path.join(ext, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
  }
  const xdg = path.join(runDir, "xdg");
  const log = fs.openSync(path.join(runDir, "code-server.log"), "w");
  const bin = path.join(cache, "cs", "node_modules", ".bin", "code-server");
  const child = spawn(
    bin,
    [
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--user-data-dir",
      ud,
      "--extensions-dir",
      ext,
      ws,
    ],
    {
      detached: true, // own process group: the extension host and language server go with it
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(xdg, "config"),
        XDG_DATA_HOME: path.join(xdg, "data"),
        XDG_CACHE_HOME: path.join(xdg, "cache"),
        ...env,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`code-server did not start; see ${path.join(runDir, "code-server.log")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url,
    auth: `127.0.0.1:${port}`,
    async stop() {
      const pgid = child.pid;
      try {
        process.kill(-pgid, "SIGTERM");
      } catch {
        return;
      }
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(-pgid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

/** Headless Debian chromium driven by the cached playwright-core. */
export async function launchBrowser(runDir) {
  const require = createRequire(path.join(cache, "tools", "package.json"));
  const { chromium } = require("playwright-core");
  const context = await chromium.launchPersistentContext(path.join(runDir, "chrome"), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1440, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
