/**
 * The string formats of temporal fields, shared by the JSON Schemas handed to ajv and by the catalog's own checks
 * of defaults, so both agree on what a valid date, datetime or time is.
 */
import { fullFormats } from "ajv-formats/dist/formats.js";

type FormatValidator = { validate: (value: string) => boolean };

const dateFormat = fullFormats.date as FormatValidator;
const dateTimeFormat = fullFormats["date-time"] as FormatValidator;

/** Seed 000: time-only input, HH:MM or HH:MM:SS. */
export const TIME_PATTERN = "^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?$";
const TIME = new RegExp(TIME_PATTERN, "u");

export const FORMATS = {
  date: (value: string) => dateFormat.validate(value),
  "date-time": (value: string) => dateTimeFormat.validate(value),
  time: (value: string) => TIME.test(value),
} as const;

export type FormatName = keyof typeof FORMATS;
