/** `errors-by-route` → `ErrorsByRoute`: construct IDs from fixed names. */
export const pascal = (name: string): string => name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
