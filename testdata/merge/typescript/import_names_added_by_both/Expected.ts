import { c, a, b } from './x';

export const y = 1;
