/** A stage id made from a display name, as the format defaults it. */
export function slugify(name: string): string {
  const slug = name
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "stage" : slug;
}
