/**
 * Every ARMv6-M instruction form, written out with registers and immediates at the edges of
 * their ranges (and just past them), for comparing the assembler with GNU as: lines gas accepts
 * must encode identically, lines gas rejects must be rejected. Position-dependent forms start
 * with `.balign 4` so their encoding does not depend on the lines before them.
 */

const LOW = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
const ALL = [...LOW, 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc'];
const EDGE_LOW = ['r0', 'r7'];
const CONDS = [
  'eq',
  'ne',
  'cs',
  'hs',
  'cc',
  'lo',
  'mi',
  'pl',
  'vs',
  'vc',
  'hi',
  'ls',
  'ge',
  'lt',
  'gt',
  'le',
];

/** The generated source lines (one statement group per line). */
export function thumbFormLines(): string[] {
  const out: string[] = [];
  const each = (list: string[], f: (x: string) => void) => list.forEach(f);

  // two low registers: every combination
  const twoLow = [
    'adcs',
    'ands',
    'eors',
    'orrs',
    'bics',
    'sbcs',
    'rors',
    'tst',
    'cmn',
    'mvns',
    'muls',
    'lsls',
    'lsrs',
    'asrs',
    'negs',
    'rev',
    'rev16',
    'revsh',
    'sxtb',
    'sxth',
    'uxtb',
    'uxth',
    'movs',
    'cmp',
    'adds',
    'subs',
  ];
  for (const op of twoLow) {
    each(LOW, (a) => each(LOW, (b) => out.push(`${op} ${a}, ${b}`)));
    out.push(`${op} r8, r0`, `${op} r0, r8`);
  }
  // three-operand forms of the two-register instructions
  for (const op of ['adcs', 'ands', 'eors', 'orrs', 'bics', 'sbcs', 'rors', 'muls', 'lsls', 'lsrs', 'asrs']) {
    out.push(`${op} r1, r1, r2`, `${op} r1, r2, r1`, `${op} r1, r2, r3`, `${op} r7, r7, r0`);
  }
  out.push('rsbs r0, r1, #0', 'rsbs r7, r7, #0', 'rsbs r0, r1, #1', 'rsbs r0, #0', 'negs r8, r0');
  // three low registers
  for (const op of ['adds', 'subs'])
    each(LOW, (a) => each(LOW, (b) => each(LOW, (c) => out.push(`${op} ${a}, ${b}, ${c}`))));
  out.push('adds r8, r0, r1', 'subs r0, r8, r1', 'subs r0, r1, r8');
  // any registers
  for (const op of ['mov', 'add', 'cmp']) each(ALL, (a) => each(ALL, (b) => out.push(`${op} ${a}, ${b}`)));
  out.push(
    'add r0, r0, r8',
    'add r8, r0, r8',
    'add r0, r1, r2',
    'add r0, sp, r0',
    'add sp, sp, r1',
    'sub r0, r1',
  );
  // immediates
  const imm8 = ['0', '1', '127', '128', '255', '256', '-1', '0x80', '0b101', '017', "'A'"];
  for (const op of ['movs', 'cmp'])
    each([...LOW, 'r8'], (r) => each(imm8, (i) => out.push(`${op} ${r}, #${i}`)));
  for (const op of ['adds', 'subs']) {
    each([...LOW, 'r8'], (r) =>
      each(['0', '7', '8', '255', '256', '-1'], (i) => out.push(`${op} ${r}, #${i}`)),
    );
    each(EDGE_LOW, (d) =>
      each(LOW, (n) => each(['0', '1', '7', '8', '255', '256'], (i) => out.push(`${op} ${d}, ${n}, #${i}`))),
    );
  }
  out.push('movs r0, 5', 'mov r0, #1', 'add r0, #1', 'sub r0, r0, #1');
  for (const [op, imms] of [
    ['lsls', ['0', '1', '31', '32', '-1']],
    ['lsrs', ['0', '1', '31', '32', '33']],
    ['asrs', ['0', '1', '31', '32', '33']],
  ] as const) {
    each(EDGE_LOW, (d) => each(LOW, (m) => each([...imms], (i) => out.push(`${op} ${d}, ${m}, #${i}`))));
    each(LOW, (d) => out.push(`${op} ${d}, #1`));
    out.push(`${op} r8, r0, #1`);
  }
  const sp4 = (max: number) => ['0', '4', String(max), String(max + 4), '2', '-4'];
  each([...LOW, 'r8'], (r) => each(sp4(1020), (i) => out.push(`add ${r}, sp, #${i}`)));
  each(sp4(508), (i) => out.push(`add sp, #${i}`, `add sp, sp, #${i}`, `sub sp, #${i}`, `sub sp, sp, #${i}`));
  each(EDGE_LOW, (r) => each(sp4(1020), (i) => out.push(`.balign 4 ; add ${r}, pc, #${i}`)));
  // loads and stores
  const mem: [string, number, boolean][] = [
    ['ldr', 4, true],
    ['str', 4, true],
    ['ldrb', 1, true],
    ['strb', 1, true],
    ['ldrh', 2, true],
    ['strh', 2, true],
    ['ldrsb', 1, false],
    ['ldrsh', 2, false],
  ];
  for (const [op, scale, hasImm] of mem) {
    const max = 31 * scale;
    const offsets = ['0', String(scale), String(max), String(max + scale), '-' + String(scale)];
    if (scale > 1) offsets.push('1');
    each(LOW, (t) => each(LOW, (n) => each(EDGE_LOW, (m) => out.push(`${op} ${t}, [${n}, ${m}]`))));
    out.push(`${op} r8, [r0, r1]`, `${op} r0, [r8, r1]`, `${op} r0, [r1, r8]`);
    each(EDGE_LOW, (t) => each(LOW, (n) => each(offsets, (o) => out.push(`${op} ${t}, [${n}, #${o}]`))));
    each(LOW, (t) => out.push(`${op} ${t}, [${t}]`));
    out.push(`${op} r8, [r0, #0]`, `${op} r0, [r8, #0]`);
    if (hasImm || !hasImm) each(EDGE_LOW, (t) => each(sp4(1020), (o) => out.push(`${op} ${t}, [sp, #${o}]`)));
  }
  each([...LOW, 'r8'], (t) => each(sp4(1020), (o) => out.push(`.balign 4 ; ldr ${t}, [pc, #${o}]`)));
  each(EDGE_LOW, (t) =>
    each(['4', '8', '1020', '1024', '6', '2'], (o) => out.push(`.balign 4 ; ldr ${t}, . + ${o}`)),
  );
  each(EDGE_LOW, (t) =>
    each(['4', '8', '1024', '6'], (o) => out.push(`.balign 4 ; nop ; ldr ${t}, . + ${o}`)),
  );
  each([...LOW, 'r8'], (r) =>
    each(['4', '8', '1020', '1024', '1028', '6', '0'], (o) => out.push(`.balign 4 ; adr ${r}, . + ${o}`)),
  );
  each(['0x12345678', '0', '255', '-1', '0x12345678', '. + 2'], (v) => out.push(`ldr r3, =${v}`));
  out.push('.ltorg', 'ldr r8, =1', 'str r0, =1');
  // stack and multiple
  const lists = [
    '{r0}',
    '{r7}',
    '{r0-r7}',
    '{r4-r7}',
    '{r0, r2, r4, r6}',
    '{r1, r3, r5, r7}',
    '{lr}',
    '{pc}',
    '{r8}',
    '{r12}',
    '{}',
    '{sp}',
  ];
  for (const op of ['push', 'pop']) {
    each(lists, (l) => out.push(`${op} ${l}`));
    out.push(`${op} {r4-r7, lr}`, `${op} {r4-r7, pc}`, `${op} {r0-r7, lr}`, `${op} {r0-r7, pc}`);
  }
  for (const op of ['ldm', 'ldmia', 'ldmfd', 'stm', 'stmia', 'stmea']) {
    each(LOW, (n) => {
      out.push(`${op} ${n}!, {r0-r7}`.replace(`${n}!, {r0-r7}`, `${n}!, {${n === 'r0' ? 'r1' : 'r0'}}`));
      out.push(`${op} ${n}, {${n}}`, `${op} ${n}!, {${n}}`, `${op} ${n}, {r0-r7}`, `${op} ${n}!, {r0-r7}`);
    });
    out.push(`${op} r8!, {r0}`, `${op} r0!, {r8}`, `${op} r0!, {r1, r3, r5, r7}`);
  }
  // branches
  each(['-2048', '-2046', '-2050', '0', '2', '2046', '2048', '2050', '1'], (o) => out.push(`b . + 4 + ${o}`));
  for (const c of CONDS)
    each(['-256', '-254', '-258', '0', '254', '256', '3'], (o) => out.push(`b${c} . + 4 + ${o}`));
  each(['-256', '254', '-2048', '2046', '0'], (o) => out.push(`bal . + 4 + ${o}`));
  each(
    [
      '-16777216',
      '-16777214',
      '-16777218',
      '0',
      '2',
      '-2',
      '4094',
      '-4096',
      '4194302',
      '16777214',
      '16777216',
      '1',
    ],
    (o) => out.push(`bl . + 4 + ${o}`),
  );
  each(ALL, (r) => out.push(`bx ${r}`, `blx ${r}`));
  // system
  for (const op of ['bkpt', 'svc', 'udf'])
    each(['0', '1', '0xab', '255', '256', '-1'], (i) => out.push(`${op} #${i}`));
  out.push('bkpt', 'svc 3', 'bkpt 0x10');
  out.push(
    'nop',
    'yield',
    'wfe',
    'wfi',
    'sev',
    'cpsie i',
    'cpsid i',
    'cpsie f',
    'cpsid if',
    'nop.n',
    'bl.w . + 8',
  );
  for (const op of ['dmb', 'dsb', 'isb']) out.push(op, `${op} sy`, `${op} #15`, `${op} #0`, `${op} ish`);
  const specials = [
    'apsr',
    'iapsr',
    'eapsr',
    'xpsr',
    'ipsr',
    'epsr',
    'iepsr',
    'msp',
    'psp',
    'primask',
    'control',
    'basepri',
    'faultmask',
  ];
  each(specials, (s) => out.push(`mrs r0, ${s}`, `mrs r12, ${s}`, `msr ${s}, r0`, `msr ${s}, r12`));
  out.push('mrs sp, msp', 'mrs pc, msp', 'msr msp, sp', 'msr apsr_nzcvq, r1', 'msr psp, pc');
  // not in ARMv6-M or not Thumb at all
  out.push(
    'addw r0, r1, #1',
    'ldrd r0, r1, [r2]',
    'it eq',
    'cbz r0, . + 4',
    'sdiv r0, r1, r2',
    'frobnicate r0',
    'movw r0, #1',
    'ldr r0, [r1, #4]!',
    'ldr r0, [r1], #4',
    'mov.w r0, r1',
    'adds.w r0, r1, r2',
    'moveq r0, r1',
  );
  return out;
}

const FLAG_SETTING =
  /^(adcs|adds|ands|asrs|bics|eors|lsls|lsrs|movs|muls|mvns|negs|orrs|rors|sbcs|subs|rsbs)\b/;

/**
 * The same forms for `.syntax divided`: each flag-setting line also written without `s` (the
 * pre-UAL spelling), next to the unified spelling gas refuses there.
 */
export function dividedFormLines(): string[] {
  const out: string[] = [];
  for (const line of thumbFormLines()) {
    out.push(line);
    const m = FLAG_SETTING.exec(line);
    if (m) out.push(line.slice(0, m[0].length - 1) + line.slice(m[0].length));
  }
  return out;
}
