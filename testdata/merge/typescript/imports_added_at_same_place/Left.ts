import fs from "fs";
import path from "path";

export function sub(a: number, b: number): number {
  return a - b;
}
