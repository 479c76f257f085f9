import fs from "fs";
import path from "path";

/** Adds two numbers. */
export function add(a, b) {
  const start = Date.now();
  const total = a * b;
  log(total, start);
  return total;
}

export function sub(a, b) {
  return a - b;
}
