import {
  A,
  B,
} from './lib';
import { x } from './other';

export const y = x;
