/** One field of a 5-field cron expression: its name and allowed range. */
const FIELDS = [
  { name: "minute", min: 0, max: 59, names: [] as string[] },
  { name: "hour", min: 0, max: 23, names: [] as string[] },
  { name: "day of month", min: 1, max: 31, names: [] as string[] },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Why a 5-field cron expression (GitHub's schedule syntax) is invalid, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    const hint =
      fields.length === 6 || fields.length === 7 ? " (Quartz/Spinnaker cron has seconds; drop them)" : "";
    return `A cron expression has 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}${hint}.`;
  }
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return problem;
  }
  return undefined;
}

function fieldProblem(text: string, field: (typeof FIELDS)[number]): string | undefined {
  for (const part of text.split(",")) {
    const [range, step, extra] = part.split("/");
    if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step))) {
      return `Bad step in the ${field.name} field: '${part}'.`;
    }
    if (range === "*") continue;
    const ends = range.split("-");
    if (ends.length > 2) return `Bad range in the ${field.name} field: '${part}'.`;
    for (const end of ends) {
      const value = /^\d+$/.test(end) ? Number(end) : field.names.indexOf(end.toLowerCase()) + field.min;
      if (!/^\d+$/.test(end) && field.names.indexOf(end.toLowerCase()) < 0) {
        return `'${end}' is not a valid ${field.name}.`;
      }
      if (value < field.min || value > field.max) {
        return `${field.name} ${end} is out of range ${field.min}-${field.max}.`;
      }
    }
  }
  return undefined;
}
