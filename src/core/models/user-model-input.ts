/**
 * What a user gives the app as their own model, and how it is refused: no TF.js here, so the page can
 * read files and fetch URLs (user-model-source.ts) without loading the compute core.
 */

/** Largest model accepted (all files together): the browser holds it in memory at least twice while loading. */
export const USER_MODEL_MAX_BYTES = 100 * 1024 * 1024;

export interface UserModelFile {
  /** As the picker gives it (a base name) or as model.json's manifest lists it (a relative path). */
  name: string;
  bytes: Uint8Array;
}

/** A user-supplied model refused: the message says what is wrong, `subject` names the file, layer or field. */
export class UserModelError extends Error {
  constructor(message: string, readonly subject: string) {
    super(message);
    this.name = 'UserModelError';
  }
}

export type NamedScaling = 'unit' | 'symmetric' | 'paper';
/** How the model expects pixels scaled; 'declared': as model.json's metadata says (user-normalization.ts). */
export type InputScaling = NamedScaling | 'declared';

export const INPUT_SCALING_LABELS: Record<InputScaling, string> = {
  unit: 'pixels in [0, 1]',
  symmetric: 'pixels in [−1, 1]',
  paper: "the paper's mean/std",
  declared: "as the model's metadata says",
};
