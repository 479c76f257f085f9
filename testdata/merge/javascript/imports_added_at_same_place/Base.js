import fs from "fs";

export function sub(a, b) {
  return a - b;
}
