import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";

/** Largest pipeline file (or document) Capstan reads and analyses. */
export const MAX_DOCUMENT_BYTES = 10 << 20;

/** `10 MiB`, `11.0 MiB`, `512 bytes`. */
export function sizeText(bytes: number, exactMiB = false): string {
  if (bytes < 1 << 20) return `${bytes} bytes`;
  const mib = bytes / (1 << 20);
  return exactMiB && Number.isInteger(mib) ? `${mib} MiB` : `${mib.toFixed(1)} MiB`;
}

/** What went wrong with a path, in words (not "no such file" for a symlink loop). */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "ELOOP":
      return "too many levels of symbolic links (a symlink loop?)";
    case "ENAMETOOLONG":
      return "the file name is too long";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EISDIR":
      return "is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

export type TextFile =
  | { ok: true; text: string }
  | {
      ok: false;
      /** `missing`: no such file; `directory`: a folder; `other`: anything else (the reason says). */
      kind: "missing" | "directory" | "other";
      /** The problem, starting with the path as shown (`p.yml is a directory`). */
      reason: string;
    };

export interface ReadTextOptions {
  /** The path as the user wrote it (default: the path given). */
  display?: string;
  /** Most bytes read (default 10 MiB); a larger file is refused. */
  maxBytes?: number;
  /** Read only this many bytes from the start, for a cheap look at a file (no size refusal). */
  prefixBytes?: number;
}

/**
 * Reads a text file the way Capstan reads pipelines: only regular files (a FIFO or a device is
 * refused without being read, so it cannot block or stream forever), at most `maxBytes`, and
 * UTF-8 only (YAML is Unicode: an invalid byte is reported with its line and column). Never throws.
 */
export function readTextFile(file: string, options: ReadTextOptions = {}): TextFile {
  const shown = options.display ?? file;
  const max = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    return {
      ok: false,
      kind: code === "ENOENT" ? "missing" : "other",
      reason: `${shown}: ${fileErrorText(error)}`,
    };
  }
  if (stats.isDirectory()) return { ok: false, kind: "directory", reason: `${shown} is a directory` };
  if (!stats.isFile())
    return { ok: false, kind: "other", reason: `${shown} is not a regular file (${kindOf(stats)})` };
  const tooLarge = (size: number) => ({
    ok: false as const,
    kind: "other" as const,
    reason: `${shown} is ${sizeText(size)}; pipeline files may be at most ${sizeText(max, true)}`,
  });
  if (options.prefixBytes === undefined && stats.size > max) return tooLarge(stats.size);
  let fd: number;
  try {
    // Non-blocking open: should the path have become a FIFO since the stat, opening it does not wait.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, kind: "other", reason: `${shown}: ${fileErrorText(error)}` };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile())
      return { ok: false, kind: "other", reason: `${shown} is not a regular file (${kindOf(opened)})` };
    const limit = options.prefixBytes ?? max + 1;
    const buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(opened.size, 0) + 1));
    let length = 0;
    // A file that grows while it is read is still cut at the limit.
    for (;;) {
      if (length === buffer.length) break;
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (options.prefixBytes === undefined && length > max) return tooLarge(length);
    const bytes = buffer.subarray(0, length);
    if (!isUtf8(bytes)) {
      // A prefix may end inside a character: only a problem before its last bytes counts.
      const bad = firstInvalidUtf8(bytes);
      if (options.prefixBytes === undefined || bad < length - 3) {
        const before = bytes.subarray(0, bad).toString("utf8");
        const line = before.split("\n").length;
        const column = before.length - before.lastIndexOf("\n");
        return {
          ok: false,
          kind: "other",
          reason: `${shown}:${line}:${column}: the file is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, "0")} at offset ${bad}); YAML files must be Unicode text, save it as UTF-8`,
        };
      }
      return { ok: true, text: bytes.subarray(0, bad).toString("utf8") };
    }
    return { ok: true, text: bytes.toString("utf8") };
  } catch (error) {
    return { ok: false, kind: "other", reason: `${shown}: ${fileErrorText(error)}` };
  } finally {
    closeSync(fd);
  }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
