const defaults = { retries: 1, verbose: true };

export function options() {
  return defaults;
}
