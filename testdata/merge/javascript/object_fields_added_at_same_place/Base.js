export const codes = {
  red: 1,
  green: 2,
};
