const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = [
  "",
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const pad = (n: string) => n.padStart(2, "0");

function listOf(field: string, names?: string[]): string {
  return field
    .split(",")
    .map((part) => {
      const [range, step] = part.split("/");
      const [a, b] = range.split("-");
      const name = (v: string) => (names && /^\d+$/.test(v) ? names[Number(v)] : v);
      const base = range === "*" ? "every" : b !== undefined ? `${name(a)} through ${name(b)}` : name(a);
      return step ? `every ${step}${range === "*" ? "" : ` from ${base}`}` : base;
    })
    .join(", ");
}

/** A 5-field cron expression in words, e.g. `0 7 * * 1-5` -> "At 07:00, Monday through Friday". */
export function cronInWords(expression: string): string {
  const [minute, hour, dom, month, dow] = expression.trim().split(/\s+/);
  let time: string;
  if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) time = `At ${pad(hour)}:${pad(minute)}`;
  else if (/^\d+$/.test(minute) && hour === "*") time = `At minute ${minute} of every hour`;
  else if (minute === "*" && hour === "*") time = "Every minute";
  else time = `At minute ${listOf(minute)} past hour ${listOf(hour)}`;
  const parts = [time];
  if (dom !== "*") parts.push(`on day ${listOf(dom)} of the month`);
  if (month !== "*") parts.push(`in ${listOf(month, MONTHS)}`);
  if (dow !== "*") parts.push(listOf(dow, DAYS));
  return parts.join(", ");
}
