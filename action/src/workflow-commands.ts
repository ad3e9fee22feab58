/**
 * The runner's side of a JavaScript action, as GitHub documents it: inputs in `INPUT_<NAME>`
 * variables, workflow commands (`::error file=…::message`) on stdout, outputs and the job summary
 * appended to the files `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` name.
 *
 * Why not @actions/core: it imports its OIDC token client at load, and with it @actions/http-client,
 * undici and tunnel, about a fifth of the action's cold start in run mode, which never needs them.
 * The protocol is small; this module writes exactly what @actions/core writes for these calls.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, constants as fs } from "node:fs";
import { access, appendFile } from "node:fs/promises";
import { EOL } from "node:os";

/** Where an annotation points in a file (1-based lines and columns). */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/** A command's message: `%`, CR and LF escaped so the runner reads one line. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A command property value: also `:` and `,`, which separate properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function issue(command: string, message: string, properties: Record<string, unknown> = {}): void {
  const props = Object.entries(properties)
    .filter(([, v]) => Boolean(v))
    .map(([k, v]) => `${k}=${escapeProperty(toText(v))}`)
    .join(",");
  process.stdout.write(`::${command}${props ? ` ${props}` : ""}::${escapeData(message)}${EOL}`);
}

function annotation(command: string, message: string | Error, p: AnnotationProperties): void {
  const props = {
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn,
  };
  issue(command, message instanceof Error ? message.toString() : message, props);
}

/** An input of the step (`with:`), trimmed; "" when not given. */
export function getInput(name: string, options: { required?: boolean } = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return value.trim();
}

/** Masks a value in the rest of the job's log. */
export function setSecret(secret: string): void {
  issue("add-mask", secret);
}

/** A plain line of log. */
export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

/** An error annotation. */
export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  annotation("error", message, properties);
}

/** A warning annotation. */
export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  annotation("warning", message, properties);
}

/** A notice annotation. */
export function notice(message: string | Error, properties: AnnotationProperties = {}): void {
  annotation("notice", message, properties);
}

/** Fails the step (exit status 1) with an error annotation. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1;
  error(message);
}

/** Starts a collapsible group of log lines. */
export function startGroup(name: string): void {
  issue("group", name);
}

/** Ends the current group. */
export function endGroup(): void {
  issue("endgroup", "");
}

/** A step output, appended to the `GITHUB_OUTPUT` file with a delimiter the value cannot contain. */
export function setOutput(name: string, value: unknown): void {
  const file = process.env.GITHUB_OUTPUT;
  const text = toText(value);
  if (!file) {
    // Runners older than the output file read the deprecated command.
    process.stdout.write(EOL);
    issue("set-output", text, { name });
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || text.includes(delimiter)) {
    throw new Error(`Unexpected input: the output delimiter '${delimiter}' occurs in the output.`);
  }
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, { encoding: "utf8" });
}

/** The job summary: markdown collected with addRaw, appended to `GITHUB_STEP_SUMMARY` by write. */
class JobSummary {
  private buffer = "";

  addRaw(text: string): JobSummary {
    this.buffer += text;
    return this;
  }

  async write(): Promise<JobSummary> {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file) {
      throw new Error(
        "Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.",
      );
    }
    try {
      await access(file, fs.R_OK | fs.W_OK);
    } catch {
      throw new Error(
        `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`,
      );
    }
    await appendFile(file, this.buffer, { encoding: "utf8" });
    this.buffer = "";
    return this;
  }
}

export const summary = new JobSummary();
