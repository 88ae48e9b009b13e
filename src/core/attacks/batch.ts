/** The row helpers attacks use live in op/rows.ts (the plain forward pass needs them too, below the attacks). */
export * from '../op/rows';
