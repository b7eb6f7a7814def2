/**
 * Scale bar length for the plan: the largest 1-2-5 × 10^k metres that fits in `maxPx` at
 * `pxPerMetre`, with its label ("20 m", "500 mm", "2 km").
 */
export function scaleBar(pxPerMetre: number, maxPx = 120): { metres: number; px: number; label: string } {
  const maxMetres = maxPx / pxPerMetre;
  const exp = Math.floor(Math.log10(maxMetres));
  let metres = 10 ** exp;
  for (const m of [5, 2, 1]) {
    if (m * 10 ** exp <= maxMetres) {
      metres = m * 10 ** exp;
      break;
    }
  }
  const label = metres >= 1000 ? `${+(metres / 1000).toPrecision(3)} km` : metres >= 1 ? `${+metres.toPrecision(3)} m` : `${+(metres * 1000).toPrecision(3)} mm`;
  return { metres, px: metres * pxPerMetre, label };
}
