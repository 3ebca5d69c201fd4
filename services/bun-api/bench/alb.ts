/**
 * The headers an ALB adds to every request it forwards, so benchmark requests carry them too (the
 * same requests go to every server). The trace ID is valid, so the service takes it instead of
 * generating one; the right-most X-Forwarded-For entry is the client address it logs.
 */
export const ALB_HEADERS = [
  "X-Amzn-Trace-Id: Root=1-6b02f941-f12e7d0c409369c33074d233",
  "X-Forwarded-For: 203.0.113.7",
  "X-Forwarded-Proto: https",
  "X-Forwarded-Port: 443",
] as const;
