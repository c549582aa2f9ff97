/** User targets (device scripts and CMSIS algorithms), the target catalogue and ROM-table identity. */
export * from './jep106';
export * from './script-footer';
export * from './target-catalogue';
export * from './target-library';
export * from './user-target';
