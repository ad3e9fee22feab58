import { deflateRawSync } from "node:zlib";
import { crc32 } from "./crc32.js";

/** One file to put in a zip archive. */
export interface ZipInput {
  /** Path inside the archive, `/`-separated. */
  name: string;
  data: Uint8Array;
}

const UTF8_NAMES = 0x0800; // general purpose flag bit 11: names are UTF-8
const VERSION = 20; // 2.0: deflate
const MADE_BY_UNIX = (3 << 8) | VERSION; // so that the external attributes below are Unix modes
const FILE_MODE = 0o100644;

/** MS-DOS date and time, the only timestamp a plain zip header holds (2-second resolution, no zone). */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * A zip archive (PKWARE APPNOTE, no zip64) of the given files, deflated unless deflating does not
 * make them smaller: what GitHub's artifact UI hands out and any unzip tool reads.
 */
export function writeZip(files: readonly ZipInput[], modified: Date = new Date()): Buffer {
  if (files.length > 0xfffe) throw new Error("too many files for a zip archive without zip64");
  const { date, time } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const deflated = deflateRawSync(file.data, { level: 6 });
    const stored = deflated.length >= file.data.length;
    const body = stored ? Buffer.from(file.data) : deflated;
    if (file.data.length > 0xfffffffe || offset + body.length > 0xfffffffe)
      throw new Error("archive too large for a zip archive without zip64");
    const entry: EntryFields = {
      method: stored ? 0 : 8,
      time,
      date,
      crc: crc32(file.data),
      compressedSize: body.length,
      size: file.data.length,
      nameLength: name.length,
    };

    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, entry);
    local.writeUInt16LE(0, 28); // extra field length
    name.copy(local, 30);

    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    writeEntryFields(central, 6, entry);
    // 30..37: extra and comment lengths, disk number start, internal attributes: all zero.
    central.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    name.copy(central, 46);

    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The fields the local header and the central directory entry share, in the same order. */
interface EntryFields {
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  nameLength: number;
}

/** Writes version needed, flags, method, time, date, CRC, both sizes and the name length (24 bytes). */
function writeEntryFields(header: Buffer, at: number, entry: EntryFields): void {
  header.writeUInt16LE(VERSION, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(entry.method, at + 4);
  header.writeUInt16LE(entry.time, at + 6);
  header.writeUInt16LE(entry.date, at + 8);
  header.writeUInt32LE(entry.crc, at + 10);
  header.writeUInt32LE(entry.compressedSize, at + 14);
  header.writeUInt32LE(entry.size, at + 18);
  header.writeUInt16LE(entry.nameLength, at + 22);
}
