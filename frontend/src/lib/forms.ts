/**
 * The NHS.UK form pattern's bookkeeping: the server's wrong fields turned
 * into the error summary's links (each to its field's element) and each
 * field's own message.
 */
import { ApiError, messageOf } from './api';

/** One error as a form shows it: the element to move to, and the sentence. */
export interface FormError {
  /** The id of the field's input (the summary links to it). */
  target: string;
  message: string;
}

/** The form's errors from a failed save: every wrong field the server named, or its one sentence. */
export function formErrors(failure: unknown, targetOf: (field: string) => string, fallback: string): FormError[] {
  if (failure instanceof ApiError && failure.fields.length > 0) {
    return failure.fields.map((field) => ({ target: targetOf(field.field), message: field.message }));
  }
  return [{ target: fallback, message: messageOf(failure) }];
}

/** The message for the field whose input is `target`, if it is wrong. */
export function errorFor(errors: FormError[], target: string): string | undefined {
  return errors.find((error) => error.target === target)?.message;
}

/** The attributes that mark an input wrong and tie it to its message (`{target}-error`). */
export function invalid(errors: FormError[], target: string, hint?: string) {
  const wrong = errors.some((error) => error.target === target);
  const described = [wrong ? `${target}-error` : null, hint ?? null].filter(Boolean).join(' ');
  return { 'aria-invalid': wrong ? ('true' as const) : undefined, 'aria-describedby': described || undefined };
}

/** The form's own checks before sending: the field and sentence of each that fails. */
export function unmet(checks: [target: string, met: boolean, message: string][]): FormError[] {
  return checks.filter(([, met]) => !met).map(([target, , message]) => ({ target, message }));
}

/**
 * The form's errors from a failed save, placed by `targets`: each field the
 * server names by that name, an error naming none by its code, else at `fallback`.
 */
export function errorsFrom(failure: unknown, targets: Record<string, string>, fallback: string): FormError[] {
  const byCode = failure instanceof ApiError ? targets[failure.code] : undefined;
  return formErrors(failure, (field) => targets[field] ?? byCode ?? fallback, byCode ?? fallback);
}
