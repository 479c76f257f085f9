class Config {
  name = "";
  verbose = false;
  retries = 3;
}

export function sub(a, b) {
  return a - b;
}
