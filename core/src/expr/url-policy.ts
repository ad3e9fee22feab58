/**
 * Which URLs `#fromUrl` and friends (and the webhook stage) may reach: Orca's
 * UserConfiguredUrlRestrictions, as a pure function. The caller resolves the host name and passes
 * the addresses; it must then connect to those same addresses so a second DNS answer cannot
 * redirect the request (DNS rebinding).
 */

export interface UrlPolicy {
  /** Default ["http", "https"]. */
  allowedSchemes?: readonly string[];
  /** When set, the host must equal one of these or, for "*.example.com", end with ".example.com". */
  allowedHosts?: readonly string[];
  /**
   * When set, the URL must be under one of these (`urlUnderAllowList`: the same scheme, host and
   * port, and a path at or below the entry's path, by whole segments after normalisation).
   */
  allowedUrlPrefixes?: readonly string[];
  /** Host suffixes refused; default local, localdomain, internal, localhost, spinnaker. */
  excludedDomains?: readonly string[];
  /**
   * Accept names resolving to loopback addresses (127.0.0.0/8, ::1). Off, as in Orca; only for
   * tests against a local server (the engine's `allowLoopbackUrls`). Literal IPs stay refused.
   */
  allowLoopbackAddresses?: boolean;
}

export type UrlVerdict = { allowed: true; url: URL } | { allowed: false; reason: string };

const LOOPBACK = "a loopback address";
const DEFAULT_EXCLUDED = ["local", "localdomain", "internal", "localhost", "spinnaker"];

/**
 * Decides whether `url` may be fetched. With no addresses only the static rules apply (scheme,
 * literal IPs, host names, allow-list); with the resolved addresses, each must be a public unicast
 * address (no loopback, private, link-local, shared, multicast or reserved ranges).
 */
export function checkUrlAllowed(
  url: string,
  resolvedAddresses: readonly string[],
  policy: UrlPolicy = {},
): UrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, reason: `'${url}' is not an absolute URL.` };
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  const schemes = policy.allowedSchemes ?? ["http", "https"];
  if (!schemes.includes(scheme))
    return { allowed: false, reason: `The scheme '${scheme}' is not allowed; use ${schemes.join(" or ")}.` };
  if (parsed.username || parsed.password)
    return { allowed: false, reason: "URLs with credentials (user@host) are not allowed." };
  const host = parsed.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (!host) return { allowed: false, reason: "The URL has no host." };
  if (parseIpv4(host) !== undefined || host.includes(":"))
    return { allowed: false, reason: `Literal IP addresses (${host}) are not allowed; use a host name.` };
  if (!host.includes("."))
    return { allowed: false, reason: `The host '${host}' is not a fully qualified name.` };
  for (const domain of policy.excludedDomains ?? DEFAULT_EXCLUDED) {
    const d = domain.toLowerCase().replace(/^\./, "");
    if (host === d || host.endsWith(`.${d}`))
      return { allowed: false, reason: `Hosts under '.${d}' are not allowed.` };
  }
  if (policy.allowedHosts && !policy.allowedHosts.some((pattern) => hostMatches(host, pattern.toLowerCase())))
    return { allowed: false, reason: `The host '${host}' is not in the allow-list.` };
  if (policy.allowedUrlPrefixes && !urlUnderAllowList(parsed, policy.allowedUrlPrefixes))
    return {
      allowed: false,
      reason: `${parsed.href} does not start with an allowed prefix (${policy.allowedUrlPrefixes.join(", ")}).`,
    };
  for (const address of resolvedAddresses) {
    const why = forbiddenAddress(address);
    if (why === LOOPBACK && policy.allowLoopbackAddresses) continue;
    if (why)
      return { allowed: false, reason: `'${host}' resolves to ${address}, ${why}; it is not allowed.` };
  }
  return { allowed: true, url: parsed };
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/** The parts of a URL an allow-list compares: scheme, host (lower case, no trailing dot), port, path. */
function urlParts(url: URL): { scheme: string; host: string; port: string; path: string } {
  return {
    scheme: url.protocol,
    host: url.hostname.toLowerCase().replace(/\.$/, ""),
    port: url.port || DEFAULT_PORTS[url.protocol] || "",
    path: url.pathname,
  };
}

/** Percent-encoded `/` or `\`: a server may decode them into separators (`..%2f` is a way out). */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i;

/**
 * Whether `url` is under one of the allow-list's entries (`expressions.urlAllowList`): each entry
 * is parsed as a URL and must have the same scheme, host and port (the scheme's default when
 * absent: `http://h` is `http://h:80`), and the URL's path, normalised as URLs are (`a/../b` is
 * `b`), must be the entry's path or below it by whole segments (`/team-a` covers `/team-a` and
 * `/team-a/x`, not `/team-ab`). Under an entry with a path, a path holding an encoded `/` or `\`
 * is refused, since the server may decode it into a way out. An entry that is not an absolute
 * URL matches nothing. No text prefix is ever compared.
 */
export function urlUnderAllowList(url: string | URL, allowList: readonly string[]): boolean {
  let target: URL;
  try {
    target = typeof url === "string" ? new URL(url) : url;
  } catch {
    return false;
  }
  const t = urlParts(target);
  return allowList.some((entry) => {
    let allowed: URL;
    try {
      allowed = new URL(entry);
    } catch {
      return false;
    }
    const a = urlParts(allowed);
    if (a.scheme !== t.scheme || a.host !== t.host || a.port !== t.port || a.host === "") return false;
    if (a.path === "/" || a.path === "") return true;
    if (ENCODED_SEPARATOR.test(target.pathname)) return false;
    const base = a.path.endsWith("/") ? a.path : `${a.path}/`;
    return t.path === a.path || t.path === base.slice(0, -1) || t.path.startsWith(base);
  });
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** Why an address may not be contacted, or undefined when it is public. */
export function forbiddenAddress(address: string): string | undefined {
  const v4 = parseIpv4(address);
  if (v4) return forbiddenIpv4(v4);
  const v6 = parseIpv6(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  if (!v6) return "not an IP address";
  const isZero = (from: number, to: number) => v6.slice(from, to).every((x) => x === 0);
  if (isZero(0, 8)) return "the unspecified address";
  if (isZero(0, 7) && v6[7] === 1) return LOOPBACK;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses carry an IPv4 address.
  if (isZero(0, 5) && (v6[5] === 0xffff || v6[5] === 0))
    return forbiddenIpv4([v6[6] >> 8, v6[6] & 255, v6[7] >> 8, v6[7] & 255]);
  if (v6[0] === 0x64 && v6[1] === 0xff9b) return "a NAT64 address";
  if ((v6[0] & 0xffc0) === 0xfe80) return "a link-local address";
  if ((v6[0] & 0xfe00) === 0xfc00) return "a unique local (private) address";
  if ((v6[0] & 0xff00) === 0xff00) return "a multicast address";
  if ((v6[0] & 0xffc0) === 0xfec0) return "a site-local address";
  if (v6[0] === 0x2001 && v6[1] === 0x0db8) return "a documentation address";
  return undefined;
}

function forbiddenIpv4([a, b, c]: number[]): string | undefined {
  if (a === 0) return "a 'this network' address";
  if (a === 127) return LOOPBACK;
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private address";
  if (a === 169 && b === 254) return "a link-local address";
  if (a === 100 && b >= 64 && b <= 127) return "a shared (carrier-grade NAT) address";
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return "a reserved address";
  if (a === 198 && (b === 18 || b === 19)) return "a benchmarking address";
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113))
    return "a documentation address";
  if (a >= 224 && a <= 239) return "a multicast address";
  if (a >= 240) return "a reserved address";
  return undefined;
}

function parseIpv6(input: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(input) || !input.includes(":")) return undefined;
  let text = input;
  const lastColon = text.lastIndexOf(":");
  const v4 = parseIpv4(text.slice(lastColon + 1));
  if (v4) {
    const hex = (x: number) => x.toString(16);
    text = `${text.slice(0, lastColon + 1)}${hex((v4[0] << 8) | v4[1])}:${hex((v4[2] << 8) | v4[3])}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const words = (s: string) =>
    s === ""
      ? []
      : s.split(":").map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? Number.parseInt(w, 16) : Number.NaN));
  const left = words(halves[0]);
  const right = halves.length === 2 ? words(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  return all.every((w) => Number.isInteger(w)) ? all : undefined;
}
