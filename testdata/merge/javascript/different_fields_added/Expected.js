class Config {
  name = "";
  verbose = false;
  retries = 3;
  timeoutMs = 1000;
}

export function sub(a, b) {
  return a - b;
}
