/** The workbook's library, as the notebook and the command line import it (built to dist/). */
export * from './lib/engine';
export * from './lib/vgg16';
