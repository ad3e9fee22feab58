/**
 * The JsonPath subset webhook monitors use (Jayway's syntax): `$`, `.key`, `['key']`, `[n]`,
 * `[*]`, `.*` and deep scan `..key`. Returns `{ found: false }` when a step does not match; a
 * path with a wildcard or deep scan yields a list of the matches.
 */
export function readJsonPath(
  document: unknown,
  path: string,
): { found: true; value: unknown } | { found: false } {
  const steps = parse(path.trim());
  if (!steps) return { found: false };
  let current: unknown[] = [document];
  let multi = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if (step.kind === "key") {
        if (node && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, step.key)) {
          next.push((node as Record<string, unknown>)[step.key]);
        }
      } else if (step.kind === "index") {
        if (Array.isArray(node)) {
          const i = step.index < 0 ? node.length + step.index : step.index;
          if (i >= 0 && i < node.length) next.push(node[i]);
        }
      } else if (step.kind === "wildcard") {
        multi = true;
        if (Array.isArray(node)) next.push(...node);
        else if (node && typeof node === "object") next.push(...Object.values(node));
      } else {
        multi = true;
        collect(node, step.key, next);
      }
    }
    current = next;
  }
  if (multi) return { found: true, value: current };
  return current.length === 1 ? { found: true, value: current[0] } : { found: false };
}

type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "deep"; key: string };

function collect(node: unknown, key: string, out: unknown[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, key, out);
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
}

function parse(path: string): Step[] | undefined {
  let i = 0;
  const steps: Step[] = [];
  if (path.startsWith("$")) i = 1;
  else if (path !== "" && !path.startsWith(".") && !path.startsWith("[")) path = `.${path}`;
  while (i < path.length) {
    if (path.startsWith("..", i)) {
      const m = /^[A-Za-z0-9_$-]+/.exec(path.slice(i + 2));
      if (!m) return undefined;
      steps.push({ kind: "deep", key: m[0] });
      i += 2 + m[0].length;
    } else if (path[i] === ".") {
      if (path[i + 1] === "*") {
        steps.push({ kind: "wildcard" });
        i += 2;
        continue;
      }
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) return undefined;
      steps.push({ kind: "key", key: m[0] });
      i += 1 + m[0].length;
    } else if (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close).trim();
      if (inner === "*") steps.push({ kind: "wildcard" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "key", key: inner.slice(1, -1) });
      else return undefined;
      i = close + 1;
    } else return undefined;
  }
  return steps;
}
