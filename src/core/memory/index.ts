/** Memory image model: regions, sparse data, diff. */
export * from './region';
export * from './sparse-data';
export * from './memory-image';
