import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

/** How to start the capstan CLI: a Node script (run with Node) or an executable. */
export interface CliLocation {
  /** The script or executable. */
  path: string;
  /** Where it came from, for messages. */
  origin: "setting" | "workspace" | "bundled";
  /** True when it is a JavaScript file to run with Node. */
  script: boolean;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Finds the CLI: the `capstan.cliPath` setting, else the workspace's `@capstan/cli`, else the one
 * bundled with the extension (so the commands work in a repository that has not installed it).
 */
export function locateCli(extensionPath: string, folder: string | undefined): CliLocation {
  const setting = vscode.workspace.getConfiguration("capstan").get<string>("cliPath")?.trim();
  if (setting) {
    const resolved = folder && !path.isAbsolute(setting) ? path.join(folder, setting) : setting;
    return { path: resolved, origin: "setting", script: /\.[cm]?js$/.test(resolved) };
  }
  if (folder) {
    const script = path.join(folder, "node_modules", "@capstan", "cli", "bin", "capstan.js");
    if (fs.existsSync(script)) return { path: script, origin: "workspace", script: true };
  }
  return { path: path.join(extensionPath, "dist", "cli.mjs"), origin: "bundled", script: true };
}

/** Runs the CLI with arguments in a folder and collects its output (never rejects). */
export function runCli(cli: CliLocation, args: string[], cwd: string): Promise<CliResult> {
  // In VS Code desktop process.execPath is Electron; ELECTRON_RUN_AS_NODE makes it behave as Node.
  const command = cli.script ? process.execPath : cli.path;
  const argv = cli.script ? [cli.path, ...args] : args;
  return new Promise((resolve) => {
    execFile(
      command,
      argv,
      { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", NO_COLOR: "1" }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) || (error && !stdout ? error.message : ""),
        });
      },
    );
  });
}

/** A shell-quoted argument for a terminal command line. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
