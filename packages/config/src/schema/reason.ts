/** suppressPolicy's minimum: a reason must say something. */
export const MIN_REASON_LENGTH = 10;
