import fs from "fs";

export function sub(a: number, b: number): number {
  return a - b;
}
