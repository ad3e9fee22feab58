import { isDouble, isNumber, numberOf, type Value } from "./values.js";

/**
 * The Java types Spinnaker lets an expression name with T(...) (kork's allow-list). Capstan refuses
 * T(...) everywhere except as the right operand of `instanceof`, where the type only classifies a
 * value: `x instanceof T(String)`. Unqualified names are looked up in java.lang, as Spring does.
 */
const ALLOWED_TYPES = [
  "java.lang.String",
  "java.lang.Integer",
  "java.lang.Long",
  "java.lang.Double",
  "java.lang.Byte",
  "java.lang.Boolean",
  "java.lang.Math",
  "java.util.Date",
  "java.text.SimpleDateFormat",
  "java.util.Random",
  "java.util.UUID",
  "java.time.LocalDate",
  "java.time.LocalDateTime",
  "java.time.DayOfWeek",
  "java.time.Instant",
  "java.time.temporal.ChronoUnit",
  "java.net.URLEncoder",
  "java.time.temporal.TemporalAdjusters",
];

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const isWhole = (v: Value) => isNumber(v) && !isDouble(v);

/**
 * What `instanceof T(name)` tests, or undefined when the type is not allowed. Whole numbers are
 * Integers when they fit in 32 bits and Longs otherwise (as JSON and YAML readers make them); no
 * sandbox value is a Date, a UUID or any other allowed type.
 */
export function javaTypeTest(name: string): ((v: Value) => boolean) | undefined {
  const qualified = name.includes(".") ? name : `java.lang.${name}`;
  if (!ALLOWED_TYPES.includes(qualified)) return undefined;
  switch (qualified) {
    case "java.lang.String":
      return (v) => typeof v === "string";
    case "java.lang.Boolean":
      return (v) => typeof v === "boolean";
    case "java.lang.Double":
      return (v) => isNumber(v) && isDouble(v);
    case "java.lang.Integer":
      return (v) => isWhole(v) && numberOf(v as number) >= INT_MIN && numberOf(v as number) <= INT_MAX;
    case "java.lang.Long":
      return (v) => isWhole(v) && (numberOf(v as number) < INT_MIN || numberOf(v as number) > INT_MAX);
    default:
      return () => false;
  }
}
