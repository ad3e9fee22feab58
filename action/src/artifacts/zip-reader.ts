import { inflateRawSync } from "node:zlib";
import { crc32 } from "./crc32.js";

/** One file read from a zip archive. */
export interface ZipFile {
  name: string;
  data: Buffer;
}

/** The archive is not one this reader accepts (damaged, encrypted, zip64, unknown compression). */
export class ZipFormatError extends Error {
  override name = "ZipFormatError";
}

const END = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function findEnd(zip: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END && at + 22 + zip.readUInt16LE(at + 20) === zip.length) return at;
  }
  throw new ZipFormatError("not a zip archive (no end of central directory record)");
}

/**
 * The files of a zip archive (directories left out), read through its central directory, so archives
 * streamed with data descriptors (as @actions/artifact's writer makes them) read too. Each file's size
 * and CRC-32 are checked.
 */
export function readZip(input: Uint8Array): ZipFile[] {
  const zip = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = findEnd(zip);
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff || at + size > end)
    throw new ZipFormatError("zip64 or damaged central directory");
  const files: ZipFile[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || zip.readUInt32LE(at) !== CENTRAL)
      throw new ZipFormatError(`damaged central directory at entry ${i}`);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const length = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString(flags & 0x0800 ? "utf8" : "latin1", at + 46, at + 46 + nameLength);
    at += 46 + skip;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw new ZipFormatError(`'${name}' is encrypted`);
    if (compressed === 0xffffffff || length === 0xffffffff || local === 0xffffffff)
      throw new ZipFormatError(`'${name}' needs zip64, which this reader does not handle`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL)
      throw new ZipFormatError(`'${name}': damaged local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + compressed > zip.length) throw new ZipFormatError(`'${name}' is truncated`);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        // The declared size bounds the output, so a forged header cannot inflate without limit.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(length, 1) });
      } catch (e) {
        const tooLarge = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
        throw new ZipFormatError(
          `'${name}' is damaged (${tooLarge ? "larger than its declared size" : (e as Error).message})`,
        );
      }
    } else throw new ZipFormatError(`'${name}' uses compression method ${method} (only store and deflate)`);
    if (data.length !== length || crc32(data) !== crc)
      throw new ZipFormatError(`'${name}' is damaged (size or CRC-32 mismatch)`);
    files.push({ name, data });
  }
  return files;
}
