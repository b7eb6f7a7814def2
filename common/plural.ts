/** "1 storey", "3 storeys", "1 stair/ramp": a count with its noun in the singular or plural (default: + "s"). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
