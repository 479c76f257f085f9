import fs from "fs";
import os from "os";

export function sub(a, b) {
  return a - b;
}
