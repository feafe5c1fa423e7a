// The paper's experiments (docs/model.md §9), one reproduction each.
import { fig1Left, fig1Right } from './fig1';
import { fig1Directions } from './fig1Directions';
import { notebookMultiStep } from './notebookMultiStep';
import { notebookSingleStep } from './notebookSingleStep';
import { oneStepAsymptotics } from './oneStepAsymptotics';
import { phaseDiagram } from './phaseDiagram';
import type { Reproduction } from './types';
import { widthSweep } from './widthSweep';

export const REPRODUCTIONS: Reproduction[] = [
  notebookSingleStep,
  notebookMultiStep,
  fig1Left,
  fig1Right,
  fig1Directions,
  widthSweep,
  phaseDiagram,
  oneStepAsymptotics,
];

export const FIGURE_NAMES = REPRODUCTIONS.map((r) => r.name);

export function reproductionNamed(name: string): Reproduction | undefined {
  return REPRODUCTIONS.find((r) => r.name === name);
}

export type { ReproduceOptions, ReproduceProgress, ReproductionSummary } from './runner';
export { RESULTS_FILE, reproduce, SUMMARY_FILE } from './runner';
export type { Analysis, FigureResult, Inequality, Reproduction, Shown, Table, Verdict } from './types';
