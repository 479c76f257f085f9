class Config {
  name = "";
  verbose = false;
}

export function sub(a, b) {
  return a - b;
}
