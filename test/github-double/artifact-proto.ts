// GitHub's published description of the Results artifact service: the protobuf-ts message types
// generated from its .proto, shipped inside @actions/artifact (a test-only dependency). The package's
// `exports` map hides them, so the file is imported by path.
import { isDeepStrictEqual } from "node:util";

interface MessageType {
  typeName: string;
  fromJson(json: unknown, options?: { ignoreUnknownFields?: boolean }): object;
  toJson(message: object, options?: { useProtoFieldName?: boolean; emitDefaultValues?: boolean }): unknown;
}
interface MethodInfo {
  name: string;
  I: MessageType;
  O: MessageType;
}
interface Generated {
  ArtifactService: { typeName: string; methods: MethodInfo[] };
}

const GENERATED = new URL("../../node_modules/@actions/artifact/lib/generated/index.js", import.meta.url);
let loaded: Promise<Generated> | undefined;

/** The generated ArtifactService description (methods with their request and response types). */
export function artifactServiceDescription(): Promise<Generated["ArtifactService"]> {
  loaded ??= import(GENERATED.href) as Promise<Generated>;
  return loaded.then((g) => g.ArtifactService);
}

/** The service's name in Twirp routes: `github.actions.results.api.v1.ArtifactService`. */
export const ARTIFACT_SERVICE = "github.actions.results.api.v1.ArtifactService";

/**
 * Parses a request body as the method's request type, strictly: unknown fields, wrong types and a
 * form other than the canonical one a generated client sends (proto field names, int64 as strings,
 * no default values) are errors. Returns the problem, or the message in proto field names.
 */
export function checkRequest(
  method: MethodInfo,
  json: unknown,
): { message?: Record<string, unknown>; problem?: string } {
  let message: object;
  try {
    message = method.I.fromJson(json);
  } catch (e) {
    return { problem: `${method.I.typeName}: ${(e as Error).message}` };
  }
  const canonical = method.I.toJson(message, { useProtoFieldName: true, emitDefaultValues: false });
  if (!isDeepStrictEqual(canonical, json))
    return {
      problem: `${method.I.typeName}: not in canonical JSON form: sent ${JSON.stringify(json)}, expected ${JSON.stringify(canonical)}`,
    };
  return {
    message: method.I.toJson(message, { useProtoFieldName: true, emitDefaultValues: true }) as Record<
      string,
      unknown
    >,
  };
}

/**
 * The response the double sends, run through the response type: throws if the draft is not a valid
 * message, and returns it in the form a Twirp server writes (proto field names, defaults emitted).
 */
export function toResponse(method: MethodInfo, draft: Record<string, unknown>): unknown {
  const message = method.O.fromJson(draft);
  return method.O.toJson(message, { useProtoFieldName: true, emitDefaultValues: true });
}
