import { SUITES } from "@govx/crypto"; export const x = SUITES.length;
