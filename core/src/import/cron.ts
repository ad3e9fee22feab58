export type CronConversion =
  | { ok: true; expression: string; notes: string[] }
  | { ok: false; reason: string };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Quartz numbers this field one higher than cron (day of week: Quartz 1 = Sunday, cron 0). */
  offset?: number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const MINUTE: FieldSpec = { name: "minutes", min: 0, max: 59 };
const HOUR: FieldSpec = { name: "hours", min: 0, max: 23 };
const DOM: FieldSpec = { name: "day of month", min: 1, max: 31 };
const MONTH: FieldSpec = { name: "month", min: 1, max: 12, names: MONTHS };
// Quartz day of week is 1-7 (SUN-SAT); cron's is 0-6.
const DOW: FieldSpec = { name: "day of week", min: 0, max: 6, names: DAYS, offset: 1 };

class Unconvertible extends Error {}

function atom(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  if (spec.names) {
    const at = spec.names.indexOf(upper);
    if (at >= 0) return spec === MONTH ? at + 1 : at;
  }
  if (!/^\d+$/.test(text))
    throw new Unconvertible(`'${text}' in ${spec.name} has no 5-field cron equivalent`);
  const n = Number(text) - (spec.offset ?? 0);
  if (n < spec.min || n > spec.max) throw new Unconvertible(`${text} is out of range for ${spec.name}`);
  return n;
}

function convertField(field: string, spec: FieldSpec): string {
  if (field === "?" || field === "*") return "*";
  return field
    .split(",")
    .map((part) => {
      const [range, step, extra] = part.split("/");
      if (extra !== undefined || range === "")
        throw new Unconvertible(`'${part}' in ${spec.name} is not a cron list item`);
      if (step !== undefined && !/^\d+$/.test(step))
        throw new Unconvertible(`step '${step}' in ${spec.name} is not a number`);
      let lo: number;
      let hi: number | undefined;
      if (range === "*") {
        if (step === undefined) return "*";
        return step === "1" ? "*" : `*/${step}`;
      }
      const bounds = range.split("-");
      if (bounds.length > 2) throw new Unconvertible(`'${range}' in ${spec.name} is not a range`);
      lo = atom(bounds[0], spec);
      if (bounds.length === 2) {
        hi = atom(bounds[1], spec);
        if (hi < lo)
          throw new Unconvertible(
            `the range '${range}' in ${spec.name} wraps around, which 5-field cron cannot express`,
          );
      }
      if (step === undefined) return hi === undefined ? String(lo) : `${lo}-${hi}`;
      // Quartz "a/b" means from a to the end in steps of b; cron needs the end written out.
      if (hi === undefined) hi = spec.max;
      if (lo === spec.min && hi === spec.max) return step === "1" ? "*" : `*/${step}`;
      return step === "1" ? `${lo}-${hi}` : `${lo}-${hi}/${step}`;
    })
    .join(",");
}

/**
 * A Quartz cron expression (Spinnaker's `cronExpression`: seconds minutes hours day-of-month
 * month day-of-week [year]) as a 5-field cron for GitHub's schedule event, when one exists.
 */
export function quartzToCron(expression: string): CronConversion {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 5) {
    // Already minute-based (someone wrote standard cron); only '?' needs translating.
    return { ok: true, expression: fields.map((f) => (f === "?" ? "*" : f)).join(" "), notes: [] };
  }
  if (fields.length !== 6 && fields.length !== 7) {
    return { ok: false, reason: `a Quartz cron expression has 6 or 7 fields; this has ${fields.length}` };
  }
  const [seconds, minutes, hours, dom, month, dow, year] = fields;
  const notes: string[] = [];
  try {
    if (!/^\d+$/.test(seconds) || Number(seconds) > 59)
      throw new Unconvertible(
        `seconds '${seconds}' would fire more than once a minute; 5-field cron fires at most once a minute`,
      );
    if (seconds !== "0") notes.push(`fires at second 0 instead of second ${seconds}`);
    if (year !== undefined && year !== "*" && year !== "?")
      throw new Unconvertible(`the year field '${year}' has no 5-field cron equivalent`);
    const out = [
      convertField(minutes, MINUTE),
      convertField(hours, HOUR),
      convertField(dom, DOM),
      convertField(month, MONTH),
      convertField(dow, DOW),
    ];
    return { ok: true, expression: out.join(" "), notes };
  } catch (e) {
    if (e instanceof Unconvertible) return { ok: false, reason: e.message };
    throw e;
  }
}
