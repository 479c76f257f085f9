const defaults = { retries: 1, timeout: 10 };

export function options() {
  return defaults;
}
