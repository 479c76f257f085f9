class Config {
  name = "";
  verbose = false;
  timeoutMs = 1000;
}

export function sub(a, b) {
  return a - b;
}
