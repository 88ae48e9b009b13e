/** A κ as the analysis tables head their columns: κ = 0 is named as the ReLU baseline. */
export const kappaLabel = (k: number) => (k === 0 ? 'κ = 0 (ReLU)' : `κ = ${k}`);
