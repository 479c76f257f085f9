import { a } from './x';

export const y = 1;
