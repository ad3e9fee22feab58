/**
 * Splits a stream of concatenated JSON values (what `kubectl get -w -o json` prints: one pretty
 * printed object after another) into values, whatever the chunk boundaries.
 */
export class JsonStreamSplitter {
  private buffer = "";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  constructor(private readonly onValue: (value: unknown) => void) {}

  push(text: string): void {
    this.buffer += text;
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === "\\") this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === "{" || c === "[") {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (c === "}" || c === "]") {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          const piece = this.buffer.slice(this.start, i + 1);
          try {
            this.onValue(JSON.parse(piece));
          } catch {
            // not JSON after all (a warning line with braces): skipped
          }
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
          this.start = -1;
        }
      }
    }
    if (this.depth === 0) {
      this.buffer = "";
      this.scanned = 0;
    } else this.scanned = this.buffer.length;
  }
}
