/** Set-up for every unit test file (vite.config.ts `test.setupFiles`). */
import { expect } from 'vitest';
import { typedArrayEquality } from './typed-array-equality';

expect.addEqualityTesters([typedArrayEquality]);
