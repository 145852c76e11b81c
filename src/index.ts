/** The workbook's library, as the notebook and the command line import it (built to dist/). */
export * from './lib/engine';
export * from './lib/vgg16';
export * from './lib/cifar10';
export * from './lib/preprocess';
export * from './lib/features';
export * from './lib/train';
export * from './lib/experiment';
export * from './lib/metrics';
export * from './lib/synthetic';
export * from './lib/session';
export * from './lib/summary';
export * from './viz/figures';
export * from './viz/display';
export * from './viz/tables';
export { UserFacingError } from './lib/errors';
export { dataDir } from './lib/paths';
