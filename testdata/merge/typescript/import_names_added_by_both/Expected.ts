import { a, b, c } from './x';

export const y = 1;
