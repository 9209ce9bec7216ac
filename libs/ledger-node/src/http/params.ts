import { BadRequestException } from '@nestjs/common';

/** Parses an integer query/path parameter; a 400 that names the parameter otherwise. */
export function intParam(
  name: string,
  value: string | undefined,
  options: { min?: number; max?: number; fallback?: number } = {},
): number {
  if (value === undefined || value === '') {
    if (options.fallback !== undefined) return options.fallback;
    throw new BadRequestException({
      code: 'bad-request',
      field: name,
      message: `${name} is required`,
    });
  }
  const n = Number(value);
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new BadRequestException({
      code: 'bad-request',
      field: name,
      message: `${name} must be an integer from ${min} to ${max}`,
    });
  }
  return n;
}

/** Parses an optional ISO time parameter. */
export function timeParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (Number.isNaN(Date.parse(value))) {
    throw new BadRequestException({
      code: 'bad-request',
      field: name,
      message: `${name} must be an ISO 8601 time`,
    });
  }
  return new Date(value).toISOString();
}
