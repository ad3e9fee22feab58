// /openapi/v2 for clientSideValidation mode only. kubectl validates a manifest itself when the
// server's OpenAPI v3 advertises no server-side field validation, and it reads the schemas for that
// from /openapi/v2, in the gnostic OpenAPIv2 protobuf encoding only. This is a derived document:
// the published v3 component schemas rewritten as Swagger 2.0 definitions (references to
// #/definitions/, allOf-wrapped references unwrapped, int-or-string and quantity left untyped),
// keeping the x-kubernetes-* extensions, then protobuf-encoded by hand (field numbers from gnostic's
// OpenAPIv2.proto: Document.swagger=1, info=2, paths=8, definitions=9; Schema._ref=1, format=2,
// required=19, additional_properties=21, type=22, items=23, properties=25, vendor_extension=31; ...).
import { stringify as toYaml } from "yaml";
import { documents, type SchemaNode } from "./schema.js";

class Writer {
  private readonly parts: Buffer[] = [];

  private varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v > 127) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, s: string | undefined): this {
    if (s === undefined || s === "") return this;
    const b = Buffer.from(s, "utf8");
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  bool(field: number, v: boolean | undefined): this {
    if (!v) return this;
    this.key(field, 0);
    this.varint(1);
    return this;
  }

  message(field: number, m: Writer | undefined): this {
    if (!m) return this;
    const b = m.bytes();
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const REF = "#/components/schemas/";
const EXTENSIONS = [
  "x-kubernetes-group-version-kind",
  "x-kubernetes-patch-merge-key",
  "x-kubernetes-patch-strategy",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-unions",
] as const;

function namedAny(name: string, value: unknown): Writer {
  // Any { google.protobuf.Any value = 1; string yaml = 2; }
  return new Writer().string(1, name).message(2, new Writer().string(2, toYaml(value)));
}

function schema(node: SchemaNode): Writer {
  const w = new Writer();
  let n = node;
  if (!n.$ref && n.allOf?.length === 1 && n.allOf[0].$ref) n = { ...n, $ref: n.allOf[0].$ref };
  if (n.$ref) return w.string(1, `#/definitions/${n.$ref.slice(REF.length)}`);
  // int-or-string and quantity (oneOf string/number) stay untyped: any value passes.
  if (n.oneOf) return w;
  w.string(2, n.format);
  for (const r of n.required ?? []) w.string(19, r);
  if (n.additionalProperties !== undefined) {
    const item = new Writer();
    if (typeof n.additionalProperties === "boolean") item.bool(2, n.additionalProperties);
    else item.message(1, schema(n.additionalProperties));
    w.message(21, item);
  }
  if (n.type) w.message(22, new Writer().string(1, n.type));
  if (n.items) w.message(23, new Writer().message(1, schema(n.items)));
  if (n.properties) {
    const props = new Writer();
    for (const [name, child] of Object.entries(n.properties))
      props.message(1, new Writer().string(1, name).message(2, schema(child)));
    w.message(25, props);
  }
  for (const ext of EXTENSIONS) if (n[ext] !== undefined) w.message(31, namedAny(ext, n[ext]));
  return w;
}

let encoded: Buffer | undefined;

/** The v2 document as gnostic protobuf (built once per process). */
export function openapiV2Protobuf(): Buffer {
  if (!encoded) {
    const defs = new Map<string, SchemaNode>();
    for (const d of documents().values())
      for (const [name, s] of Object.entries(d.doc.components.schemas))
        if (!defs.has(name)) defs.set(name, s);
    const definitions = new Writer();
    for (const [name, s] of [...defs.entries()].sort((a, b) => a[0].localeCompare(b[0])))
      definitions.message(1, new Writer().string(1, name).message(2, schema(s)));
    encoded = new Writer()
      .string(1, "2.0")
      .message(2, new Writer().string(1, "Kubernetes").string(2, "v1.35.0"))
      .message(8, new Writer())
      .message(9, definitions)
      .bytes();
  }
  return encoded;
}

// What the server answers in Content-Type (the Accept form has "@v1.0", which is no valid media type).
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
