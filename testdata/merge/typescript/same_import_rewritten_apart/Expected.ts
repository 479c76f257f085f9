import type {
  A,
  B,
  C,
} from './lib';
import { x } from './other';

export const y = x;
