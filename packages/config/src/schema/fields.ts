/**
 * Building blocks of the configuration schema (valibot), each with the message the user reads:
 * what is allowed, in the words of the setting, never a type name from the library.
 */
import * as v from "valibot";
import { kindOf } from "../show";
import { didYouMean } from "../suggest";

type Issue = v.BaseIssue<unknown>;

/** " (write it without quotes)" when a string holds what was wanted as a number or boolean. */
function quoteHint(input: unknown, wanted: "number" | "boolean"): string {
  if (typeof input !== "string") return "";
  if (wanted === "number" && input.trim() !== "" && Number.isFinite(Number(input))) return ` (a string; write ${input.trim()} without quotes)`;
  if (wanted === "boolean" && /^(true|false)$/i.test(input.trim())) return ` (a string; write ${input.trim().toLowerCase()} without quotes)`;
  return "";
}

const says = (what: string, wanted?: "number" | "boolean") => (issue: Issue) => `${what}${wanted ? quoteHint(issue.input, wanted) : ""}`;

export const bool = () => v.boolean(says("must be true or false", "boolean"));

/** A whole number in [min, max], with one message however it fails. */
export const int = (min: number, max: number, what = `must be a whole number from ${min} to ${max}`) =>
  v.pipe(v.number(says(what, "number")), v.integer(says(what)), v.minValue(min, says(what)), v.maxValue(max, says(what)));

/** A number in [min, max] in steps of `step` (float-safe), with one message however it fails. */
export const stepped = (min: number, max: number, step: number, what: string) =>
  v.pipe(
    v.number(says(what, "number")),
    v.minValue(min, says(what)),
    v.maxValue(max, says(what)),
    v.check((n) => Math.abs(n / step - Math.round(n / step)) < 1e-9, says(what)),
  );

/** A string matching `pattern`, at most `max` characters. */
export const text = (pattern: RegExp, what: string, max = 1024) =>
  v.pipe(v.string(says(what)), v.maxLength(max, says(what)), v.regex(pattern, says(what)));

const listed = (options: readonly (string | number)[]) => options.map((o) => (typeof o === "string" ? JSON.stringify(o) : String(o))).join(", ");

/** One of `options`, suggesting the closest when a string is near one. */
export const oneOf = <const T extends readonly (string | number)[]>(options: T, what?: string) =>
  v.picklist(options, (issue: Issue) => {
    const strings = options.filter((o): o is Extract<T[number], string> => typeof o === "string");
    return `${what ?? `allowed: ${listed(options)}`}${didYouMean(issue.input, strings)}`;
  });

/** A list; `what` names its items ("a list of path patterns"). */
export const list = <T extends v.GenericSchema>(item: T, what: string, max = 1000) =>
  v.pipe(v.array(item, says(`must be ${what}`)), v.maxLength(max, says(`must be ${what}, at most ${max}`)));

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return hint ? `unknown setting${hint}` : `unknown setting; allowed: ${known.join(", ")}`;
}

/**
 * An object with exactly these keys. valibot's own strictObject stops at the first unknown key; this
 * reports every one, each with the closest known key, and still checks the known ones.
 */
export function strictObject<const E extends v.ObjectEntries>(entries: E, what: string): v.StrictObjectSchema<E, undefined> {
  const known = Object.keys(entries);
  const schema = v.pipe(
    notAList(what),
    v.looseObject(entries, (issue: Issue) => (issue.path?.length ? "is required" : `must be ${what}, not ${kindOf(issue.input)}`)),
    v.rawCheck(({ dataset, addIssue }) => {
      const input: unknown = dataset.value;
      if (input === null || typeof input !== "object") return;
      for (const key of Object.keys(input)) {
        if (Object.hasOwn(entries, key)) continue;
        const value = (input as Record<string, unknown>)[key];
        addIssue({ message: unknownKeyMessage(key, known), input: value, path: [{ type: "object", origin: "value", input: input as Record<string, unknown>, key, value }] });
      }
    }),
  );
  // The type of a strict object: unknown keys are refused at run time, so they are not in the type.
  return schema as unknown as v.StrictObjectSchema<E, undefined>;
}

/** Refuses a list where an object is wanted before the object schema reads it as keys 0, 1, ... */
const notAList = (what: string) => v.custom<unknown>((input) => !Array.isArray(input), `must be ${what}, not a list`);

/** An object used as a map (`{ NAME: value }`), never a list. */
export const dict = <K extends v.GenericSchema<string, string>, V extends v.GenericSchema>(key: K, value: V, what: string) =>
  v.pipe(
    notAList(what),
    v.record(key, value, (issue: Issue) => `must be ${what}, not ${kindOf(issue.input)}`),
  ) as unknown as v.RecordSchema<K, V, undefined>;
