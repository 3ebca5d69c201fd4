// cdktf records a full stack trace for every token it creates, by capturing onto a plain object.
// Under jest, source-map support makes formatting each of those traces slow (about 3x the cost of
// building and synthesizing the stacks), and nothing reads them unless a token fails to resolve.
// Captures onto plain objects get an empty trace; real errors keep their source-mapped stack.
const previous = Error.prepareStackTrace;
Error.prepareStackTrace = function prepareStackTrace(error, frames) {
  if (!(error instanceof Error)) return "";
  return previous ? previous(error, frames) : `${error.name}: ${error.message}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
};
