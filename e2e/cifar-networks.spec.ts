import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { memory, ready, watchErrors } from './support';

/**
 * The functional CIFAR-10 networks (BN, Add forks, global average pooling; the MobileNetV2's depthwise
 * convolutions and linear bottlenecks) on wasm, as a student meets them: chosen from the picker, loaded, the
 * clean accuracy at the paper's κ, then a DeepFool L2 run on one image through the plain forward pass and its
 * hand-written backward (the depthwise input gradient included), the worker's tensors back at baseline.
 * One test per network that public/models/index.json lists (the MobileNetV2's robust variant too: the
 * picker's variant step on a depthwise network); the ResNet must be there.
 */
const NETWORKS = [
  { id: 'cifar10-resnet20-base', architecture: 'PreActResNet', variant: 'base', card: 'PreActResNet-20', paperKappa: 0.07 },
  { id: 'cifar10-mobilenetv2-base', architecture: 'MobileNetV2', variant: 'base', card: 'MobileNetV2', paperKappa: 0.06 },
  { id: 'cifar10-mobilenetv2-robust', architecture: 'MobileNetV2', variant: 'robust', card: 'MobileNetV2', paperKappa: 0.06 },
];
const SHIPPED = new Set((JSON.parse(readFileSync('public/models/index.json', 'utf8')) as { models: { id: string }[] }).models.map((m) => m.id));

test('the ResNet ships, so its test below runs', () => {
  expect(SHIPPED.has('cifar10-resnet20-base')).toBe(true);
});

for (const n of NETWORKS.filter((x) => SHIPPED.has(x.id))) {
  test(`${n.architecture} ${n.variant}: picked from the picker, accuracy at the paper κ, DeepFool L2 on one image, no leak`, async ({ page }) => {
    test.setTimeout(300_000);
    const errors = watchErrors(page);
    const settled = () => page.waitForFunction(() => document.querySelector('[data-testid=accuracy]')?.getAttribute('data-stale') === 'false', undefined, { timeout: 120_000 });

    await page.goto('?backend=wasm');
    await ready(page);
    await page.getByRole('combobox', { name: 'Dataset' }).selectOption('cifar10');
    await page.getByRole('combobox', { name: 'Network' }).selectOption(n.architecture);
    await page.getByRole('combobox', { name: 'Variant' }).selectOption(n.variant);
    await expect(page.getByTestId('model-card')).toContainText(n.card);
    await expect.poll(() => page.evaluate(() => window.__jumprelu!.getState().modelId)).toBe(n.id);
    await ready(page);
    await settled();

    expect(await page.evaluate(() => window.__jumprelu!.getState().card!.kappa.paper)).toBe(n.paperKappa);
    await page.getByRole('button', { name: /^paper κ/ }).click();
    await expect(page.getByTestId('accuracy')).toHaveAttribute('data-kappa', String(n.paperKappa));
    await settled();
    await expect(page.getByTestId('accuracy')).toHaveText(/\d+\.\d\d %/);
    await ready(page);
    const base = await memory(page);

    await page.getByTestId('gallery').getByRole('button').first().click();
    await page.getByLabel('attack', { exact: true }).selectOption('deepfool-l2');
    await page.getByRole('button', { name: /^Run DeepFool L2/ }).click();
    const result = page.getByTestId('attack-result');
    await expect(result.getByTestId('attack-headline')).toContainText('DeepFool L2', { timeout: 180_000 });
    for (const side of ['side-unprotected', 'side-protected']) await expect(result.getByTestId(side).getByTestId('rho')).toHaveText(/\d+\.\d %/);
    await ready(page);
    expect((await memory(page)).numTensors).toBe(base.numTensors);
    expect(errors).toEqual([]);
  });
}
