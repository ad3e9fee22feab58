const UNITS: [string, number][] = [
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
];

/** Whole seconds as a Capstan duration: 5400 -> "1h30m", 90 -> "1m30s", 0 -> "0s". */
export function formatSeconds(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return "0s";
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Milliseconds as a Capstan duration: 5400000 -> "1h30m", 1500 -> "1s500ms". */
export function formatMillis(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  const rest = whole % 1000;
  if (rest === 0) return formatSeconds(whole / 1000);
  return `${whole >= 1000 ? formatSeconds(Math.floor(whole / 1000)) : ""}${rest}ms`;
}

/** An ISO-8601 duration such as Kayenta's `PT1H30M` in whole seconds; undefined if not one. */
export function isoDurationSeconds(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === "P" || /T$/i.test(text.trim())) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60 + Math.ceil(Number(s ?? 0));
}
