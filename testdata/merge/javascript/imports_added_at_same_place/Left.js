import fs from "fs";
import path from "path";

export function sub(a, b) {
  return a - b;
}
