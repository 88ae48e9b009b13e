/**
 * The paper's published numbers (Erichson, Yao & Mahoney 2019), for showing beside ours. Percentages as
 * fractions. Table 2 (white-box) reports clean and PGD accuracy and the mean relative perturbation ρ of
 * DF∞, DF2 and TR; Table 1 (gray-box, crafted on the ReLU network marked *) reports accuracy in every
 * column. LeNetLike and AlexLike are the paper's own networks; for the pre-activation ResNet-20 the app
 * ships, the closest rows are the paper's WideResNet 30-4 (Tables 1c, 2c): the same family (BN, JumpReLU
 * after every BN, κ = 0.07) but a far larger network, and `name` says so wherever the rows are shown. The
 * MobileNetV2 rows (Tables 1d, 2d, κ = 0.06) are the paper's full-width network; ours is at width 0.5.
 */
import type { ColumnKey } from '../../worker/jobs';

export interface PaperRow {
  kappa: number;
  clean: number;
  /** Table 2: PGD accuracy, then ρ for the DeepFool and TR columns. Table 1: accuracy in every column. */
  cells: Record<ColumnKey, number>;
}

export interface PaperModelNumbers {
  /** e.g. "LeNetLike base (MNIST)". */
  name: string;
  /** The paper's κ for this network. */
  kappa: number;
  whiteBox: PaperRow[];
  grayBox: PaperRow[];
  /**
   * Table 4 (R), the randomized JumpReLU (κ ~ U[0.6b, b] per forward pass), white-box: `kappa` is b, cells
   * as in Table 2 (PGD accuracy, mean ρ of the others); `unfooled` is the accuracy the paper prints beside
   * each ρ (images DeepFool/TR did not fool, e.g. 5.37% for DF∞ on LeNetLike base).
   */
  randomized: PaperRow & { unfooled: Record<Exclude<ColumnKey, 'pgd'>, number> };
}

const randomizedRow = (b: number, clean: number, pgd: number, dfInf: [number, number], df2: [number, number], tr: [number, number]) =>
  ({ ...row(b, clean, pgd, dfInf[1], df2[1], tr[1]), unfooled: { 'deepfool-linf': dfInf[0], 'deepfool-l2': df2[0], 'trust-region': tr[0] } });

const row = (kappa: number, clean: number, pgd: number, dfInf: number, df2: number, tr: number): PaperRow =>
  ({ kappa, clean, cells: { pgd, 'deepfool-linf': dfInf, 'deepfool-l2': df2, 'trust-region': tr } });

/** Keyed by architecture and variant (the model card's `architecture`-`variant`). */
export const PAPER_NUMBERS: Record<string, PaperModelNumbers> = {
  'LeNetLike-base': {
    name: 'LeNetLike base (MNIST)', kappa: 1,
    // Table 2, white-box.
    whiteBox: [row(0, 0.9955, 0.6669, 0.179, 0.218, 0.189), row(1, 0.9953, 0.8321, 0.341, 0.449, 0.25)],
    // Table 1a, gray-box: ReLU (Base)* and JumpReLU (Base).
    grayBox: [row(0, 0.9955, 0.6669, 0, 0, 0), row(1, 0.9953, 0.9165, 0.8139, 0.5893, 0.589)],
    // Table 4a, JumpReLU (R).
    randomized: randomizedRow(1, 0.9957, 0.8349, [0.0537, 0.362], [0.0264, 0.476], [0.0961, 0.37]),
  },
  'LeNetLike-robust': {
    name: 'LeNetLike robust (MNIST)', kappa: 1,
    whiteBox: [row(0, 0.995, 0.9139, 0.284, 0.314, 0.247), row(1, 0.9947, 0.9436, 0.466, 0.533, 0.328)],
    // Table 1a, gray-box: ReLU (Robust)* and JumpReLU (Robust).
    grayBox: [row(0, 0.995, 0.9139, 0, 0, 0), row(1, 0.9947, 0.9707, 0.7084, 0.4517, 0.5324)],
    // Table 4a, JumpReLU (R).
    randomized: randomizedRow(1, 0.9947, 0.9517, [0.0589, 0.51], [0.0139, 0.528], [0.0808, 0.448]),
  },
  'AlexLike-base': {
    name: 'AlexLike base (CIFAR-10)', kappa: 0.4,
    whiteBox: [row(0, 0.8946, 0.0638, 0.012, 0.015, 0.013), row(0.4, 0.8752, 0.1856, 0.098, 0.106, 0.017)],
    // Table 1b.
    grayBox: [row(0, 0.8946, 0.0638, 0, 0, 0), row(0.4, 0.8752, 0.4575, 0.6182, 0.6055, 0.5308)],
    // Table 4b, JumpReLU (R).
    randomized: randomizedRow(0.5, 0.882, 0.2013, [0, 0.071], [0, 0.079], [0.0366, 0.131]),
  },
  'AlexLike-robust': {
    name: 'AlexLike robust (CIFAR-10)', kappa: 0.4,
    whiteBox: [row(0, 0.8793, 0.5188, 0.036, 0.042, 0.036), row(0.4, 0.8619, 0.567, 0.132, 0.141, 0.043)],
    grayBox: [row(0, 0.8793, 0.5188, 0, 0, 0), row(0.4, 0.8619, 0.6765, 0.5228, 0.469, 0.5152)],
    // Table 4b, JumpReLU (R).
    randomized: randomizedRow(0.5, 0.8615, 0.6103, [0, 0.136], [0.0118, 0.146], [0.1579, 0.197]),
  },
  'PreActResNet-base': {
    name: "WideResNet 30-4 base (CIFAR-10): the paper's network, 7.4 M parameters to this ResNet-20's 0.27 M", kappa: 0.07,
    // Table 2c, white-box.
    whiteBox: [row(0, 0.9431, 0.0037, 0.014, 0.018, 0.013), row(0.07, 0.9258, 0.0095, 0.143, 0.185, 0.019)],
    // Table 1c, gray-box (its ReLU row prints PGD 0.0%, Table 2c 0.37%: quoted as printed).
    grayBox: [row(0, 0.9431, 0, 0, 0, 0), row(0.07, 0.9258, 0.0039, 0.3733, 0.4021, 0.459)],
    // Table 4c, JumpReLU (R).
    randomized: randomizedRow(0.09, 0.9253, 0.134, [0, 0.147], [0, 0.183], [0.0753, 0.059]),
  },
  'PreActResNet-robust': {
    name: "WideResNet 30-4 robust (CIFAR-10): the paper's network, 7.4 M parameters to this ResNet-20's 0.27 M", kappa: 0.07,
    whiteBox: [row(0, 0.9372, 0.6043, 0.064, 0.075, 0.048), row(0.07, 0.9301, 0.6789, 0.444, 0.438, 0.061)],
    grayBox: [row(0, 0.9372, 0.6043, 0, 0, 0), row(0.07, 0.9301, 0.7025, 0.2862, 0.2611, 0.3533)],
    // Table 4c, JumpReLU (R).
    randomized: randomizedRow(0.09, 0.9307, 0.7182, [0, 0.445], [0, 0.438], [0.2927, 0.181]),
  },
  'MobileNetV2-base': {
    name: "MobileNetV2 base (CIFAR-10): the paper's full-width network, 2.24 M parameters to this one's 0.70 M", kappa: 0.06,
    // Table 2d, white-box (its JumpReLU clean accuracy, 91.10%, differs from Table 1d's 90.43%: quoted as printed).
    whiteBox: [row(0, 0.9207, 0.0074, 0.007, 0.009, 0.007), row(0.06, 0.911, 0.0092, 0.053, 0.068, 0.01)],
    // Table 1d, gray-box.
    grayBox: [row(0, 0.9207, 0, 0, 0, 0), row(0.06, 0.9043, 0.0054, 0.4069, 0.4161, 0.4318)],
    // Table 4d, JumpReLU (R).
    randomized: randomizedRow(0.08, 0.9037, 0.0507, [0.0136, 0.081], [0.0159, 0.098], [0.0228, 0.052]),
  },
  'MobileNetV2-robust': {
    name: "MobileNetV2 robust (CIFAR-10): the paper's full-width network, 2.24 M parameters to this one's 0.70 M", kappa: 0.06,
    whiteBox: [row(0, 0.9169, 0.5398, 0.047, 0.053, 0.041), row(0.06, 0.9012, 0.5966, 0.626, 0.514, 0.049)],
    grayBox: [row(0, 0.9169, 0.5398, 0, 0, 0), row(0.06, 0.9012, 0.6637, 0.3731, 0.3545, 0.404)],
    // Table 4d, JumpReLU (R).
    randomized: randomizedRow(0.08, 0.9016, 0.6898, [0.0143, 0.656], [0.0168, 0.533], [0.0796, 0.258]),
  },
};

export function paperNumbersFor(architecture: string, variant: string): PaperModelNumbers | null {
  return PAPER_NUMBERS[`${architecture}-${variant}`] ?? null;
}

/**
 * Table 3: the LID detector's AUC (%) on CIFAR-10 adversarials, "LID" (ReLU, κ = 0) and "LID + JumpReLU".
 * The paper names neither the network nor κ for it; the panel and the README assume its main CIFAR-10
 * network, AlexLike, at that network's κ = 0.4 (Table 2), and say so wherever these are shown.
 */
export const PAPER_TABLE3: Record<ColumnKey, { lid: number; jump: number }> = {
  pgd: { lid: 72.54, jump: 74.25 },
  'deepfool-linf': { lid: 73.41, jump: 78.24 },
  'deepfool-l2': { lid: 72.93, jump: 75.84 },
  'trust-region': { lid: 72.47, jump: 74.71 },
};

/** What Table 3 is assumed to measure (the paper does not say). */
export const PAPER_TABLE3_ASSUMED = { dataset: 'cifar10', network: 'AlexLike', kappa: 0.4 } as const;
