const defaults = { retries: 1, timeout: 10, verbose: true };

export function options() {
  return defaults;
}
