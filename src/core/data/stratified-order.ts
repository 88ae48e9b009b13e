/**
 * The order in which the κ slider's progressive evaluation visits the first n test images, so that every
 * prefix is a fair, class-balanced sample of them: classes taken in turn (0, 1, …, 9, 0, 1, …), and within
 * a class the images in shard order. A prefix of 10·k images holds k of every class while every class still
 * has images left; after a class runs out the others continue in turn. Deterministic (no seed): the app,
 * `npm run bench` and the tests all see the same order, and the whole order is the same n images as the
 * shard prefix, so the final figure is exactly the first-n accuracy.
 */
export function stratifiedOrder(labels: ArrayLike<number>, n: number, classes = 10): Int32Array {
  const count = Math.max(0, Math.min(n, labels.length));
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`stratifiedOrder: label ${y} of image ${i} is not a class in 0…${classes - 1}`);
    byClass[y].push(i);
  }
  const order = new Int32Array(count);
  let k = 0;
  for (let round = 0; k < count; round++) {
    for (const members of byClass) if (round < members.length) order[k++] = members[round];
  }
  return order;
}
