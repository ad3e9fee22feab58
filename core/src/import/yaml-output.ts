import { Document, isMap, isPair, isScalar, isSeq, Scalar, visit } from "yaml";

export const IMPORT_HEADER =
  " Imported from Spinnaker pipeline JSON by capstan import; see the import report.";

// Maps short enough to read better on one line, as the format's examples write them.
const FLOW_MAPS = new Set(["jitter", "capacity", "scoreThresholds", "rollback"]);
const FLOW_SEQ_WIDTH = 80;

/** The quoting a string with an expression needs: never plain (see the format's "YAML hazard"). */
function expressionQuote(text: string): Scalar.Type {
  return text.includes('"') && !text.includes("'") && !text.includes("\n")
    ? Scalar.QUOTE_SINGLE
    : Scalar.QUOTE_DOUBLE;
}

/**
 * Renders a Capstan pipeline value as YAML: expression strings always quoted, times ("07:00")
 * quoted so YAML 1.1 readers don't take them as numbers, short lists and small maps in flow style.
 */
export function toPipelineYaml(value: Record<string, unknown>): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  // On the root map rather than the document, so no blank line separates it from `name:`.
  if (isMap(doc.contents)) doc.contents.commentBefore = IMPORT_HEADER;
  else doc.commentBefore = IMPORT_HEADER;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      if (node.value.includes("${")) node.type = expressionQuote(node.value);
      else if (/^\d{1,2}:\d{2}$/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const v = pair.value;
      if (isSeq(v) && v.items.length > 0 && v.items.every((i) => isScalar(i))) {
        const width = v.items.reduce((n, i) => n + String((i as Scalar).value).length + 4, 0);
        if (width <= FLOW_SEQ_WIDTH) v.flow = true;
      }
      if (key === "ranges" && isSeq(v) && v.items.length <= 3) v.flow = true;
      if (
        typeof key === "string" &&
        FLOW_MAPS.has(key) &&
        isMap(v) &&
        v.items.every((p) => isPair(p) && isScalar(p.value))
      )
        v.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
