// Uppercase: answers a JSON string in capitals, like examples/functions/uppercase.
export const handler = async (event) => {
  if (typeof event !== "string") {
    throw new TypeError(`want a JSON string, got ${JSON.stringify(event)}`);
  }
  return event.toUpperCase();
};
