/** Confusion matrix and per-class accuracy from true and predicted classes. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): number[][] {
  const m = Array.from({ length: classes }, () => new Array(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

export function perClassAccuracy(matrix: number[][]): number[] {
  return matrix.map((row, c) => row[c] / Math.max(1, row.reduce((a, b) => a + b, 0)));
}

/** For each class, the other class it is most often mistaken for. */
export function mostConfusedWith(matrix: number[][], classNames: string[]): string[] {
  return matrix.map((row, c) => {
    let best = -1;
    row.forEach((n, p) => { if (p !== c && (best < 0 || n > row[best])) best = p; });
    return row[best] > 0 ? `${classNames[best]} (${row[best]})` : '-';
  });
}
