// Uppercase: a JSON string in, the same string upper-cased out, like
// examples/functions/uppercase. FIRST_INVOKE_DELAY_MS makes only an
// environment's first invoke wait, so that N concurrent invokes need N
// environments (the bench's parallel cold starts).
const firstDelayMs = Number(process.env.FIRST_INVOKE_DELAY_MS) || 0;
let invoked = false;

export const handler = async (event) => {
  if (typeof event !== "string") {
    throw new TypeError(`want a JSON string, got ${JSON.stringify(event)}`);
  }
  if (!invoked) {
    invoked = true;
    if (firstDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, firstDelayMs));
    }
  }
  return event.toUpperCase();
};
