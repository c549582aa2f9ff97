/** Target descriptions as data. */
export * from './catalogue';
export * from './guess';
