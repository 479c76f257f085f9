interface Config {
  name: string;
  verbose: boolean;
  timeoutMs: number;
}

export function sub(a: number, b: number): number {
  return a - b;
}
