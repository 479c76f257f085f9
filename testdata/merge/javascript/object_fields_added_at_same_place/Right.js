export const codes = {
  red: 1,
  green: 2,
  yellow: 4,
};
