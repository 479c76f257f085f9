import fs from "fs";
import path from "path";
import os from "os";

export function sub(a, b) {
  return a - b;
}
