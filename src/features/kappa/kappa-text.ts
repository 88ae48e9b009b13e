/**
 * The typed κ: a plain decimal, with a point or a comma as the decimal separator ("1,5" is 1.5 in much of
 * Europe). Anything else — thousands separators, exponents, two separators — is refused, never guessed.
 */
export function parseKappaText(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+([.,]\d*)?|[.,]\d+)$/.test(t)) return null;
  return Number(t.replace(',', '.'));
}
