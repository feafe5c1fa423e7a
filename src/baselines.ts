// How the random-features baseline is named: with pre-processing (train, notebook, hermite) its predictions
// add back the subtracted mean and linear part, so it is random features plus a linear model.

/** 'random features + linear part' when the config removes and re-adds the labels' linear part. */
export function randomFeaturesLabel(preprocess: string | undefined): string {
  return preprocess !== undefined && preprocess !== 'none' ? 'random features + linear part' : 'random features';
}
