import { c, a } from './x';

export const y = 1;
