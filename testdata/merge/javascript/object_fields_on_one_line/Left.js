const defaults = { retries: 1 };

export function options() {
  return defaults;
}
