interface Config {
  name: string;
  verbose: boolean;
  retries: number;
}

export function sub(a: number, b: number): number {
  return a - b;
}
