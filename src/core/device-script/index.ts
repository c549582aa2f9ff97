/** CortexProg-format device scripts: file parsing, chip matching, flash descriptions, descriptors. */
export * from './size-code';
export * from './header';
export * from './swds-file';
export * from './swds-writer';
export * from './match';
export * from './flash-info';
export * from './regions';
export * from './descriptor';
