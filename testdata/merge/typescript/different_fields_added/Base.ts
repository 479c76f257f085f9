interface Config {
  name: string;
  verbose: boolean;
}

export function sub(a: number, b: number): number {
  return a - b;
}
